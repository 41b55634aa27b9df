import 'fake-indexeddb/auto'
import { replicaOf } from '@strata/state/sync'
import { describe, expect, it, vi } from 'vitest'
import {
  browser,
  eventReads,
  putSnapshot,
  rawDatabase,
  request,
  seed,
  storedSnapshot,
  testServer,
} from './history.helpers'

// A reload from this device's snapshot asks for the tail as soon as the snapshot's record is read
// (in the outbox's first transaction), before its state is parsed and before the outbox is put
// back; the tail's events are applied only after that. These pin the orders a reload with unsent
// events can see.

const add = (by: number) => ({ type: 'add' as const, payload: { key: 'a', by } })

async function claimedCount(indexedDB: IDBFactory): Promise<number> {
  const db = await rawDatabase(indexedDB)
  try {
    return await request(db.transaction('claimed').objectStore('claimed').count())
  } finally {
    db.close()
  }
}

/** What the server stored after the seeded 1,200 events: each `add`'s amount. */
async function storedAfterSeed(server: ReturnType<typeof testServer>): Promise<number[]> {
  const response = await server.server.fetch(new Request('http://s/events?after=v1:1200'))
  const { events } = (await response.json()) as { events: { payload: { by: number } }[] }
  return events.map((e) => e.payload.by)
}

/**
 * A profile whose snapshot holds 1,200 events and whose outbox holds an event the server stored
 * without its answer arriving (at v1:1201, after the snapshot) and one never sent.
 */
async function reloadWithUnsent() {
  const server = testServer()
  await seed(server, 1200)
  const tab = browser(server)
  const first = tab()
  await first.sync.pull()
  await first.sync.close()
  let posts = 0
  const before = tab({
    fault: (r) => (r.method !== 'POST' ? 'pass' : posts++ ? 'network' : 'lost'),
  })
  await before.sync.ready
  before.store.dispatch(add(1))
  await vi.waitFor(() => expect(server.posts()).toHaveLength(1))
  before.store.dispatch(add(2))
  await vi.waitFor(async () => expect(await claimedCount(tab.indexedDB)).toBe(2))
  await before.sync.close()
  expect(await storedSnapshot(tab.indexedDB)).toMatchObject({ position: 'v1:1200' })
  return { server, tab }
}

describe('a reload from this device’s snapshot, the tail asked early', () => {
  it('asks for the tail before the state is parsed or the outbox put back, and delivers each unsent event once', async () => {
    const { server, tab } = await reloadWithUnsent()
    let online = false
    const seen: { start: number; pending: number }[] = []
    const second = tab({
      fault: (r) => {
        if (r.method === 'GET' && new URL(r.url).pathname === '/events') {
          seen.push({ start: second.store.history.start, pending: replica().pending().length })
        }
        return online || r.method !== 'POST' ? 'pass' : 'network'
      },
    })
    const replica = () => replicaOf(second.store)
    await second.sync.pull()
    // Asked with the snapshot not in the store yet and nothing of the outbox put back.
    expect(seen[0]).toEqual({ start: 0, pending: 0 })
    expect(second.sync.getSnapshot().boot).toBe('local-snapshot')
    // The stored one came back by the tail and settled as this client's; the other is pending.
    expect(second.store.logs.events.map((e) => [e.payload, e.origin, e.position])).toEqual([
      [{ key: 'a', by: 1 }, 'local', 'v1:1201'],
      [{ key: 'a', by: 2 }, 'local', undefined],
    ])
    expect(second.store.getState()).toEqual({ a: 1203 })

    online = true
    second.sync.resume()
    await second.sync.flush()
    await second.sync.pull()
    expect(await storedAfterSeed(server)).toEqual([1, 2])
    expect(second.store.getState()).toEqual({ a: 1203 })
    expect(replica().pending()).toEqual([])
    expect(second.store.logs.events.map((e) => e.position)).toEqual(['v1:1201', 'v1:1202'])
  })

  it('one whose state does not parse has the tail asked again from the start; each event once', async () => {
    const { server, tab } = await reloadWithUnsent()
    const { json, ...record } = await storedSnapshot(tab.indexedDB)
    expect(json).toBe('{"a":1200}')
    await putSnapshot(tab.indexedDB, { ...record, state: undefined, json: '{"a":' })
    const reads = eventReads(server).length
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const second = tab()
      await second.sync.flush()
      await second.sync.pull()
      // Asked after the snapshot's position first, then again from the start.
      const asked = eventReads(server)
        .slice(reads)
        .map((r) => r.path.match(/after=[^&]*/)?.[0])
      expect(asked[0]).toBe('after=v1%3A1200')
      expect(asked[1]).toBeUndefined()
      expect(warn).toHaveBeenCalledTimes(1)
      expect(second.sync.getSnapshot().boot).toBe('events')
      expect(second.store.getState()).toEqual({ a: 1203 })
      expect(replicaOf(second.store).pending()).toEqual([])
      expect(await storedAfterSeed(server)).toEqual([1, 2])
    } finally {
      warn.mockRestore()
    }
  })
})
