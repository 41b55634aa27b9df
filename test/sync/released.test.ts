import 'fake-indexeddb/auto'
import { connectSync, type Sync } from '@strata/state/sync'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { counterStore, faulty, manualClock, testServer } from './helpers'
import { seed } from './history.helpers'

// Requests to a real server (memory storage), counted; the batch delay is a minute on a manual
// clock that never moves, so only a claim at once sends anything.

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

const posts = (server: ReturnType<typeof testServer>) =>
  server.requests.filter((r) => r.method === 'POST')

describe('drafts released by the first pull', () => {
  it('are sent at once, not after the batch delay', async () => {
    const server = testServer()
    const indexedDB = new IDBFactory()
    const tab = (fetch = server.fetch) => {
      const store = counterStore()
      const sync = connectSync(store, {
        fetch,
        batch: { maxEvents: 50, maxDelayMs: 60_000 },
        persist: { indexedDB, name: 'app' },
        live: 'off',
        clock: manualClock(),
        random: () => 1,
        locks: false,
      })
      open.push(sync)
      return { store, sync }
    }
    // A page closed with a draft it never claimed (the delay had not run out).
    const before = tab(faulty(server.fetch, () => 'network'))
    await before.sync.ready
    before.store.dispatch({ type: 'increment', payload: 'a' })
    await vi.waitFor(() => expect(before.sync.getSnapshot().outbox).toHaveLength(1))
    await before.sync.close()
    // The reload puts it back undecided, decides it again once the first pull has caught up: it
    // was dispatched a page ago, so it goes now.
    const after = tab()
    await after.sync.pull()
    await vi.waitFor(() => expect(posts(server)).toHaveLength(1))
    expect(after.store.getState()).toEqual({ a: 1 })
  })
})

// With commands and optimistic concurrency a flush before the first pull waits for its answer
// (success or error, see errors.test.ts for a 401), so the pending events are rebased first.
describe('flush right after connecting, before the first pull', () => {
  it('sends once, decided on the server state (no refused round trip)', async () => {
    const server = testServer()
    await seed(server, 3)
    const store = counterStore()
    const sync = connectSync(store, {
      fetch: server.fetch,
      batch: { maxEvents: 50, maxDelayMs: 60_000 },
      persist: false,
      live: 'off',
      clock: manualClock(),
    })
    open.push(sync)
    store.dispatch({ type: 'increment', payload: 'a' })
    await sync.flush()
    expect(store.getState()).toEqual({ a: 4 })
    expect(posts(server)).toHaveLength(1)
    expect(posts(server)[0]!.body.events.map((e: { payload: unknown }) => e.payload)).toEqual([
      { key: 'a', value: 4 },
    ])
  })

  it('a first pull that fails lets the flush send (it waits for no catch-up)', async () => {
    const server = testServer()
    const store = counterStore()
    const sync = connectSync(store, {
      // Reads fail, and their retry waits on a clock that never moves.
      fetch: faulty(server.fetch, (r) => (r.method === 'GET' ? 'network' : 'pass')),
      batch: { maxEvents: 50, maxDelayMs: 60_000 },
      persist: false,
      live: 'off',
      clock: manualClock(),
    })
    open.push(sync)
    store.dispatch({ type: 'increment', payload: 'a' })
    await sync.flush()
    expect(posts(server)).toHaveLength(1)
    expect(store.getState()).toEqual({ a: 1 })
  })
})
