// @vitest-environment jsdom

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStore } from '@strata/state'
import { createEventServer, sqliteStorage } from '@strata/state/server'
import { connectSync } from '@strata/state/sync'
import { cleanup, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { boardEventSchema, boardSnapshot } from '../../examples/kanban/readModel'
import { seedBoard } from '../../examples/kanban/seed'
import {
  boardCommands,
  boardReducer,
  boardVersion,
  emptyBoard,
} from '../../examples/kanban/src/board'
import { boardStreamOf } from '../../examples/kanban/src/streams'
import { renderBoard } from './render'

// The demo on a long history (`npm start -- --seed N`): a window starts from the server's
// snapshot of the board, and one that has to fold every event shows how far it is.
const closing: (() => Promise<void> | void)[] = []
afterEach(async () => {
  cleanup()
  for (const close of closing.splice(0).reverse()) await close()
})

async function seededServer(events: number) {
  const dir = mkdtempSync(join(tmpdir(), 'strata-kanban-'))
  const db = join(dir, 'events.db')
  expect(await seedBoard(db, events)).toBe(events)
  expect(await seedBoard(db, events)).toBe(0)
  const storage = sqliteStorage(db)
  const server = createEventServer({
    storage,
    snapshots: [boardSnapshot],
    validate: boardEventSchema,
    onError: () => {},
  })
  closing.push(() => rmSync(dir, { recursive: true, force: true }))
  closing.push(() => storage.close())
  closing.push(() => server.close())
  return server
}

function connect(server: { fetch: (r: Request) => Promise<Response> }, snapshot?: string) {
  const store = createStore({
    initialState: emptyBoard,
    reducer: boardReducer,
    commands: boardCommands,
    version: boardVersion,
  })
  const sync = connectSync(store, {
    fetch: server.fetch,
    persist: false,
    locks: false,
    live: 'off',
    streamOf: boardStreamOf,
    ...(snapshot && { snapshot }),
  })
  closing.push(() => sync.close())
  return { store, sync }
}

describe('the demo on a long history', () => {
  it("a window without a snapshot of its own starts from the server's", async () => {
    const server = await seededServer(3000)
    // The server folds its snapshot on the first request for it.
    await waitFor(
      async () => {
        const r = await server.fetch(new Request('http://kanban/snapshots/board'))
        expect(((await r.json()) as { position?: string }).position).toBe('v1:3000')
      },
      { timeout: 30_000 },
    )
    const { store, sync } = connect(server, 'board')
    renderBoard({ store, sync })
    await sync.pull()
    expect(sync.getSnapshot().boot).toBe('server-snapshot')
    expect(store.history).toMatchObject({ start: 3000, length: 3000 })
    expect(Object.keys(store.getState().cards).length).toBeGreaterThan(20)
    expect(screen.queryByTestId('history-progress')).toBeNull()
  }, 60_000)

  it('one folding every event shows a progress bar of the events done, gone once done', async () => {
    const server = await seededServer(1500)
    const { store, sync } = connect(server)
    renderBoard({ store, sync })
    const shown = await screen.findByTestId('history-progress', {}, { timeout: 30_000 })
    const bar = shown.querySelector('progress')!
    expect(bar.getAttribute('aria-label')).toBe('Folding the history')
    const done = Number(bar.getAttribute('value'))
    expect(done).toBeGreaterThan(0)
    expect(done).toBeLessThan(1500)
    expect(bar.getAttribute('max')).toBe('1500')
    expect(shown.textContent).toMatch(/of 1,500 events/)
    await sync.pull()
    expect(sync.getSnapshot().boot).toBe('events')
    await waitFor(() => expect(screen.queryByTestId('history-progress')).toBeNull(), {
      timeout: 30_000,
    })
    expect(store.history.length).toBe(1500)
  }, 60_000)
})
