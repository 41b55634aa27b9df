import 'fake-indexeddb/auto'
import { connectSync, replicaOf, type Sync, type SyncOptions } from '@strata/state/sync'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { counterStore, fakeLocks, faulty, manualClock, testServer } from './helpers'

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

/** Tabs of one browser profile: one IndexedDB, one clock, optionally Web Locks. */
function profile(server: ReturnType<typeof testServer>, locks?: ReturnType<typeof fakeLocks>) {
  const indexedDB = new IDBFactory()
  const clock = manualClock()
  const name = `app-${Math.random()}`
  const tab = (options: Partial<SyncOptions<any>> = {}) => {
    const store = counterStore()
    const sync = connectSync(store, {
      fetch: server.fetch,
      batch: { maxEvents: 10, maxDelayMs: 0 },
      persist: { indexedDB, name },
      live: 'off',
      clock,
      random: () => 1,
      locks: locks ?? false,
      leaseMs: 1000,
      ...options,
    })
    open.push(sync)
    return { store, sync, replica: replicaOf(store) }
  }
  return { tab, clock }
}

const add = (key: string, by = 1) => ({ type: 'add' as const, payload: { key, by } })

describe.each([
  ['Web Locks', true],
  ['IndexedDB leases', false],
])('tabs sharing an outbox (%s)', (_, withLocks) => {
  it('one tab sends for all; each tab sees its own events confirmed', async () => {
    const server = testServer()
    const { tab } = profile(server, withLocks ? fakeLocks() : undefined)
    const a = tab()
    const b = tab()
    await Promise.all([a.sync.ready, b.sync.ready])
    await vi.waitFor(() =>
      expect([a, b].filter((t) => t.sync.getSnapshot().sender)).toHaveLength(1),
    )
    a.store.dispatch(add('a'))
    b.store.dispatch(add('b'))
    a.store.dispatch(add('a'))
    await Promise.all([a.sync.flush(), b.sync.flush()])
    const stored = await server.stored()
    // One client, one sequence, whichever tab made the event. The tabs write one stream without
    // seeing each other's events first, so one may conflict and be decided again under a new
    // seq (the refused one is processed, not stored).
    expect(new Set(stored.map((e) => e.clientId)).size).toBe(1)
    expect(stored).toHaveLength(3)
    expect(new Set(stored.map((e) => e.clientSeq)).size).toBe(3)
    expect(a.store.logs.events.every((e) => e.position)).toBe(true)
    expect(b.store.logs.events.every((e) => e.position)).toBe(true)
    await Promise.all([a.sync.pull(), b.sync.pull()])
    expect(a.store.getState()).toEqual({ a: 2, b: 1 })
    expect(b.store.getState()).toEqual({ a: 2, b: 1 })
  })

  it('when the sending tab closes, another takes over and adopts its unsent events', async () => {
    const server = testServer()
    let up = false
    const { tab, clock } = profile(server, withLocks ? fakeLocks() : undefined)
    const fetch = faulty(server.fetch, () => (up ? 'pass' : 'network'))
    const a = tab({ fetch })
    await a.sync.ready
    await vi.waitFor(() => expect(a.sync.getSnapshot().sender).toBe(true))
    const b = tab({ fetch })
    await b.sync.ready
    a.store.dispatch(add('a', 5))
    await vi.waitFor(() => expect(a.sync.getSnapshot().outbox[0]?.clientSeq).toBe(1))
    await a.sync.close()
    up = true
    await vi.waitFor(() => {
      clock.advance(500)
      expect(b.sync.getSnapshot().sender).toBe(true)
    })
    await b.sync.flush()
    expect(b.store.getState()).toEqual({ a: 5 })
    expect((await server.stored()).map((e) => e.clientSeq)).toEqual([1])
  })
})

describe('a tab that stops mid-send', () => {
  it('loses its lease; the next sender resends and the server stores each event once', async () => {
    const server = testServer()
    const { tab, clock } = profile(server)
    let hang = true
    // The first tab's request reaches the server, but the tab freezes before the answer.
    const frozen = tab({
      clock: manualClock(),
      fetch: async (r) => {
        const response = await server.fetch(r)
        if (r.method === 'POST' && hang) await new Promise(() => {})
        return response
      },
    })
    await vi.waitFor(() => expect(frozen.sync.getSnapshot().sender).toBe(true))
    frozen.store.dispatch(add('a', 1))
    frozen.store.dispatch(add('a', 2))
    await vi.waitFor(() => expect(server.posts()).toHaveLength(1))
    hang = false
    const other = tab()
    await other.sync.ready
    // Its lease runs out: the frozen tab's timers never fire, so it never renews.
    await vi.waitFor(() => {
      clock.advance(500)
      expect(other.sync.getSnapshot().sender).toBe(true)
    })
    await vi.waitFor(() => expect(server.posts()).toHaveLength(2))
    expect(server.posts()[1].events).toEqual(server.posts()[0].events)
    expect((await server.stored()).map((e) => e.clientSeq)).toEqual([1, 2])
  })
})
