import 'fake-indexeddb/auto'
import { connectSync, replicaOf, type Sync, type SyncOptions } from '@strata/state/sync'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { counterStore, type Fault, faulty, manualClock, testServer } from './helpers'

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

/** One browser profile: its IndexedDB, shared by every tab and every reload. */
function browser(server: ReturnType<typeof testServer>) {
  const indexedDB = new IDBFactory()
  return (options: Partial<SyncOptions<any>> & { fault?: (r: Request) => Fault } = {}) => {
    const store = counterStore()
    const clock = manualClock()
    const { fault, ...rest } = options
    const sync = connectSync(store, {
      fetch: fault ? faulty(server.fetch, fault) : server.fetch,
      batch: { maxEvents: 10, maxDelayMs: 0 },
      persist: { indexedDB, name: 'app' },
      live: 'off',
      clock,
      random: () => 1,
      ...rest,
    })
    open.push(sync)
    return { store, sync, clock, replica: replicaOf(store) }
  }
}

const add = (by: number) => ({ type: 'add' as const, payload: { key: 'a', by } })
const offline = () => 'network' as const

describe('durable outbox', () => {
  it('keeps the clientId across reloads', async () => {
    const tab = browser(testServer())
    const first = tab()
    await first.sync.ready
    const id = first.sync.clientId
    await first.sync.close()
    const second = tab()
    await second.sync.ready
    expect(id).toMatch(/\w{8}/)
    expect(second.sync.clientId).toBe(id)
    const other = browser(testServer())()
    await other.sync.ready
    expect(other.sync.clientId).not.toBe(id)
  })

  it("after a reload the store's own earlier events come back local, another client's remote", async () => {
    const server = testServer()
    const tab = browser(server)
    const before = tab()
    before.store.dispatch(add(1))
    await before.sync.flush()
    await before.sync.close()
    const elsewhere = browser(server)()
    elsewhere.store.dispatch(add(2))
    await elsewhere.sync.flush()

    const after = tab()
    await after.sync.flush()
    expect(after.store.logs.events.map((e) => [e.origin, e.position])).toEqual([
      ['local', 'v1:1'],
      ['remote', 'v1:2'],
    ])
    expect(after.replica.pending()).toEqual([])
  })

  it('a reload with events waiting offline delivers them once, with the same clientSeqs', async () => {
    const server = testServer()
    const tab = browser(server)
    const before = tab({ fault: offline })
    before.store.dispatch(add(1))
    before.store.dispatch(add(2))
    before.store.dispatch(add(3))
    await vi.waitFor(() => expect(before.sync.status).toBe('offline'))
    const ids = before.store.logs.events.map((e) => e.id)
    await before.sync.close()

    const after = tab()
    await after.sync.ready
    // Restored into the new store before anything else, pending.
    expect(after.store.logs.events.map((e) => e.id)).toEqual(ids)
    expect(after.store.getState()).toEqual({ a: 6 })
    await after.sync.flush()
    const stored = await server.stored()
    expect(stored.map((e) => [e.id, e.clientSeq])).toEqual(ids.map((id, i) => [id, i + 1]))
    expect(after.store.logs.events.map((e) => e.position)).toEqual(['v1:1', 'v1:2', 'v1:3'])
  })

  it('events not yet claimed for sending (waiting for the batch delay) survive a reload', async () => {
    const server = testServer()
    const tab = browser(server)
    const before = tab({ batch: { maxEvents: 10, maxDelayMs: 60_000 } })
    before.store.dispatch(add(1))
    before.store.dispatch(add(2))
    expect(before.sync.getSnapshot().outbox.map((e) => e.state)).toEqual(['waiting', 'waiting'])
    await before.sync.close()
    expect(server.posts()).toEqual([])
    const after = tab()
    await after.sync.flush()
    expect((await server.stored()).map((e) => e.payload)).toEqual([
      { key: 'a', by: 1 },
      { key: 'a', by: 2 },
    ])
    expect(after.store.getState()).toEqual({ a: 3 })
  })

  it('a page closed mid-send (response lost): the reload resends and the server stores once', async () => {
    const server = testServer()
    const tab = browser(server)
    const before = tab({ fault: (r) => (r.method === 'POST' ? 'lost' : 'pass') })
    before.store.dispatch(add(1))
    before.store.dispatch(add(2))
    await vi.waitFor(() => expect(server.posts()).toHaveLength(1))
    await before.sync.close()
    const after = tab()
    // The new page pulls the stored events (settling its restored ones) and resends.
    await vi.waitFor(() => expect(server.posts()).toHaveLength(2))
    expect(server.posts()[1].events).toEqual(server.posts()[0].events)
    await vi.waitFor(() => expect(after.sync.status).toBe('idle'))
    expect(await server.stored()).toHaveLength(2)
    await after.sync.pull()
    expect(after.store.logs.events).toHaveLength(2)
    expect(after.store.getState()).toEqual({ a: 3 })
    expect(after.replica.pending()).toEqual([])
  })

  it('a rejection the closed page never saw is shown after the reload', async () => {
    const server = testServer({ authorize: () => ({ id: 'u', canWrite: (s) => s !== 'secret' }) })
    const tab = browser(server)
    // The server refuses the event (a forbidden stream) but the response never arrives.
    const before = tab({
      fault: (r) => (r.method === 'POST' ? 'lost' : 'pass'),
      streamOf: () => 'secret',
    })
    before.store.dispatch(add(1))
    await vi.waitFor(() => expect(server.posts()).toHaveLength(1))
    await before.sync.close()
    const after = tab({ streamOf: () => 'public' })
    await after.sync.flush()
    // Resent as stored at claim time (stream "secret"), so the receipt answers it.
    expect(server.posts()[1].events[0].stream).toBe('secret')
    expect(after.store.logs.events).toHaveLength(1)
    expect(after.store.logs.events[0]!.rejected).toMatchObject({ code: 'forbidden' })
    expect(after.store.getState()).toEqual({})
  })

  it('a draft re-derived by a rebase is saved even while time travel shows an older state', async () => {
    const server = testServer()
    const tab = browser(server)
    const other = tab({ persist: false })
    const before = tab({ batch: { maxEvents: 10, maxDelayMs: 60_000 } })
    await before.sync.ready
    before.store.dispatch({ type: 'increment', payload: 'x' })
    before.store.history.jumpTo(0)
    other.store.dispatch({ type: 'set', payload: { key: 'x', value: 10 } })
    await other.sync.flush()
    await before.sync.pull()
    // The increment re-ran on top of 10; the viewed state (the past) did not move.
    expect(before.store.logs.events.at(-1)!.payload).toEqual({ key: 'x', value: 11 })
    await before.sync.close()
    const after = tab({ live: 'off' })
    await after.sync.ready
    expect(after.store.logs.events.map((e) => e.payload)).toEqual([{ key: 'x', value: 11 }])
  })
})
