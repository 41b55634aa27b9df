import 'fake-indexeddb/auto'
import { replicaOf } from '@strata/state/sync'
import { describe, expect, it, vi } from 'vitest'
import { fakeLocks } from './helpers'
import { browser, eventReads, seed, storedSnapshot, testServer } from './history.helpers'

const add = (by: number) => ({ type: 'add' as const, payload: { key: 'a', by } })

/** Web Locks whose tab locks are granted only once `grant()` is called. */
function slowTabLocks() {
  const locks = fakeLocks()
  let grant = () => {}
  const granted = new Promise<void>((resolve) => (grant = resolve))
  const request: typeof locks.request = async (name, options, callback) => {
    if (name.includes(':tab:')) await granted
    return locks.request(name, options, callback)
  }
  return { locks: { ...locks, request }, grant }
}

describe('a boot reads its snapshot and asks for the tail while its lease is taken', () => {
  it('a tail answered before the outbox is read is applied after it: each event once, the pending one not confirmed', async () => {
    const server = testServer()
    await seed(server, 3)
    const tab = browser(server)
    // The first tab settles the seeded events (its snapshot), then its event is stored but the
    // answer is lost (it stays claimed), and one more waits unsent.
    let posts = 0
    const first = tab({ fault: (r) => (r.method === 'POST' && posts++ === 0 ? 'lost' : 'pass') })
    await first.sync.pull()
    first.store.dispatch(add(10))
    await vi.waitFor(() => expect(first.sync.getSnapshot().status).toBe('offline'))
    first.sync.pause()
    first.store.dispatch(add(100))
    await first.sync.close()
    expect(await storedSnapshot(tab.indexedDB)).toMatchObject({ count: 3, position: 'v1:3' })

    const { locks, grant } = slowTabLocks()
    const reads = eventReads(server).length
    const second = tab({ locks })
    // The tail (holding the first tab's stored event) is answered while the lease waits.
    await vi.waitFor(() => expect(eventReads(server).length).toBe(reads + 1))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(second.sync.getSnapshot().boot).toBe('local-snapshot')
    expect(second.store.getState()).toEqual({ a: 3 })
    expect(second.store.logs.events).toEqual([])

    grant()
    await second.sync.ready
    await second.sync.pull()
    // The stored event settled by its id (not shown twice), the unsent one pending on top.
    expect(second.store.logs.events.map((e) => [e.payload, e.position])).toEqual([
      [{ key: 'a', by: 10 }, 'v1:4'],
      [{ key: 'a', by: 100 }, undefined],
    ])
    expect(replicaOf(second.store).settled).toBe(1)
    expect(second.store.getState()).toEqual({ a: 113 })
    second.sync.resume()
    await second.sync.flush()
    await second.sync.pull()
    const stored = await server.stored()
    expect(stored.map((e) => (e.payload as { by: number }).by)).toEqual([1, 1, 1, 10, 100])
    expect(new Set(stored.map((e) => `${e.clientId}:${e.clientSeq}`)).size).toBe(5)
    expect(second.store.getState()).toEqual({ a: 113 })
    await second.sync.close()
    // Its snapshot folds each once.
    expect(await storedSnapshot(tab.indexedDB)).toMatchObject({ count: 5, state: { a: 113 } })
  })
})
