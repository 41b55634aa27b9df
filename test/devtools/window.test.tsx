// @vitest-environment jsdom
import 'fake-indexeddb/auto'
import { createInspectHost } from '@strata/state/inspect'
import { screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { browser, seed, testServer } from '../sync/history.helpers'
import { fakeLayout, renderPanel, rowsOf } from './render'

// The panel over a synced store whose window holds only its recent history: rows and states are
// numbered by history index, the earlier ones exist (not loaded) and are paged in on demand.

/** A synced counters store with 5,500 events, the last 1,500 in memory (start 4,000). */
async function windowed() {
  const server = testServer()
  await seed(server, 5500)
  const tab = browser(server)({ history: { window: 1500 } })
  await tab.sync.pull()
  tab.clock.advance(2000)
  await vi.waitFor(() => expect(tab.store.history.start).toBe(4000))
  return tab
}

beforeEach(() => fakeLayout())

describe('inspecting a store with a history window', () => {
  it('numbers rows by history index and pages earlier history in on request', async () => {
    const { store, sync } = await windowed()
    const host = createInspectHost(store, { sync })
    try {
      expect(host.handle({ type: 'meta' })).toMatchObject({
        start: 4000,
        length: 5500,
        cursor: 5500,
        loadingEarlier: false,
      })
      const rows = host.handle({ type: 'events', start: 3990, end: 4003 })
      expect(rows.map((r) => r.index)).toEqual([4000, 4001, 4002])
      expect(rows[0]!.position).toBe('v1:4001')
      const states = host.handle({ type: 'states', start: 4000, end: 4002 })
      expect(states.map((s) => [s.index, s.eventType])).toEqual([
        [4000, undefined],
        [4001, 'added'],
      ])
      expect(host.handle({ type: 'state', index: 4001 }).value).toEqual({ a: 4001 })
      expect(() => host.handle({ type: 'state', index: 3999 })).toThrow(/from 4000 to 5500/)
      expect(host.handle({ type: 'changes', index: 4000 }).paths).toEqual([['a']])
      expect(host.handle({ type: 'touches', path: ['a'], start: 0, end: 4002 })).toEqual([
        4000, 4001,
      ])
      const found = host.handle({ type: 'search', query: { types: ['added'] }, from: 0, limit: 2 })
      expect(found.matches).toEqual([4000, 4001])
      expect(host.handle({ type: 'related', lane: 'event', index: 4001 }).events).toEqual([4001])
      expect(host.handle({ type: 'bisect', path: ['a'], upTo: 4100 }).index).toBe(4099)

      expect(host.handle({ type: 'loadEarlier', count: 1000 }).loadingEarlier).toBe(true)
      await vi.waitFor(() => expect(host.handle({ type: 'meta' }).loadingEarlier).toBe(false))
      expect(store.history.start).toBe(3000)
      // A jump below the window pages in down to there first, then jumps.
      expect(host.handle({ type: 'jumpTo', index: 10 }).cursor).toBe(5500)
      await vi.waitFor(() => expect(host.handle({ type: 'meta' }).cursor).toBe(10))
      expect(store.history.start).toBe(0)
      expect(store.getState()).toEqual({ a: 10 })
    } finally {
      host.close()
    }
  }, 30_000)

  it('shows rows it could not load as earlier history', async () => {
    const { store, sync } = await windowed()
    await sync.close() // nothing can be paged in now
    renderPanel(store, { sync })
    const events = await screen.findByRole('listbox', { name: /^Events \(/ })
    // Scrolled up (again, should the lane still be revealing the viewed state at the end).
    await waitFor(() => {
      if (events.scrollTop !== 100 * 22) events.scrollTop = 100 * 22
      expect(rowsOf('Events')[0]!.className).toContain('sd-earlier')
    })
    expect(rowsOf('Events')[0]!.getAttribute('aria-label')).toMatch(/^Event \d+, earlier history/)
    const states = screen.getByRole('listbox', { name: /^States \(/ })
    await waitFor(() => {
      if (states.scrollTop !== 100 * 22) states.scrollTop = 100 * 22
      expect(rowsOf('States')[0]!.className).toContain('sd-earlier')
    })
    await waitFor(() => expect(screen.getAllByText(/earlier not loaded/)).toHaveLength(2))
  }, 30_000)

  it('shows the earlier history in the lanes and on the slider, and pages it in when scrolled to', async () => {
    const { store, sync } = await windowed()
    renderPanel(store, { sync })
    const events = await screen.findByRole('listbox', { name: /^Events \(/ })
    expect(await screen.findAllByText(/earlier not loaded/)).toHaveLength(2)
    expect(document.querySelector('.sd-slider-earlier')).toBeTruthy()
    expect(screen.getByLabelText('History position').getAttribute('aria-valuetext')).toMatch(
      /states before 4000 not loaded/,
    )
    // Scrolled to the rows just above the window: they are earlier history, then paged in.
    await waitFor(() => {
      if (events.scrollTop !== 3990 * 22) events.scrollTop = 3990 * 22
      expect(store.history.start).toBeLessThan(4000)
    })
    await waitFor(() =>
      expect(rowsOf('Events').find((r) => r.id.endsWith('-3990'))?.textContent).toContain('added'),
    )
  }, 30_000)
})
