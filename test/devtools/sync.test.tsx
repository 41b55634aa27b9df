// @vitest-environment jsdom

import type { SyncInspectable } from '@strata/state/inspect'
import { replicaOf } from '@strata/state/sync'
import { fireEvent, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { history } from './fixtures'
import { fakeLayout, renderPanel } from './render'

beforeEach(() => fakeLayout())

/** A sync client with the shape of @strata/state/sync's Sync, driven by the test. */
function fakeSync(store: ReturnType<typeof history>) {
  const listeners = new Set<() => void>()
  const sync = {
    status: 'sending',
    position: 'v1:41',
    paused: false,
    subscribe(l: () => void) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    getSnapshot: () => ({
      paused: sync.paused,
      clientId: 'client-7',
      outbox: replicaOf(store)
        .pending()
        .map((e, i) => ({
          id: e.id,
          type: e.type,
          clientSeq: i + 1,
          state: i === 0 ? 'in-flight' : 'waiting',
        })),
    }),
    pause() {
      sync.paused = true
      sync.status = 'offline'
      for (const l of listeners) l()
    },
    resume() {
      sync.paused = false
      sync.status = 'sending'
      for (const l of listeners) l()
    },
    reads: () => [{ key: '/views/todos', position: 'v1:41', waitedMs: 12.4, at: 1 }],
  }
  return sync satisfies SyncInspectable
}

describe('the Sync tab', () => {
  it('shows the outbox, the confirmed position and the server errors, and pauses sending', async () => {
    const store = history()
    const replica = replicaOf(store)
    const [first] = replica.pending()
    replica.reject(
      first!.id,
      Object.assign(new Error('Not allowed'), { code: 'forbidden', status: 403 }),
    )
    const sync = fakeSync(store)
    renderPanel(store, { sync })
    fireEvent.click(screen.getByRole('tab', { name: 'Sync' }))
    expect(await screen.findAllByText('v1:41')).toHaveLength(2)
    expect(screen.getByRole('heading', { name: 'Outbox (4)' })).toBeTruthy()
    expect(screen.getByText('in-flight')).toBeTruthy()
    expect(screen.getByRole('heading', { name: 'Rejected (1)' })).toBeTruthy()
    expect(screen.getByText('Not allowed')).toBeTruthy()
    expect(screen.getByText('"forbidden"')).toBeTruthy()
    expect(screen.getByText('12 ms')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Pause sending' }))
    await waitFor(() => expect(sync.paused).toBe(true))
    expect(await screen.findByRole('button', { name: 'Resume sending' })).toBeTruthy()
    expect(screen.getByText('offline')).toBeTruthy()
  })

  it('shows a progress bar while the history is folded again', async () => {
    const store = history()
    const base = fakeSync(store)
    let progress: { task: string; done: number; total: number } | undefined = {
      task: 'refold',
      done: 3000,
      total: 12_000,
    }
    const listeners = new Set<() => void>()
    const sync = {
      ...base,
      subscribe(l: () => void) {
        listeners.add(l)
        return () => listeners.delete(l)
      },
      getSnapshot: () => ({ ...base.getSnapshot(), progress }),
    }
    renderPanel(store, { sync })
    fireEvent.click(screen.getByRole('tab', { name: 'Sync' }))
    const bar = await screen.findByRole('progressbar', { name: 'History progress' })
    expect(bar.getAttribute('value')).toBe('3000')
    expect(bar.getAttribute('max')).toBe('12000')
    expect(screen.getByText('Folding the history')).toBeTruthy()
    expect(screen.getByText('3,000 of 12,000 events')).toBeTruthy()
    progress = undefined
    for (const l of listeners) l()
    await waitFor(() => expect(screen.queryByRole('progressbar')).toBeNull())
  })

  it('is absent without a sync client', () => {
    renderPanel(history())
    expect(screen.queryByRole('tab', { name: 'Sync' })).toBeNull()
  })
})
