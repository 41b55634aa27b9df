// The server's caches shared by every tenant (opened personal fields: erasure/cache.ts; kept
// snapshot states: snapshotCache.ts), over real HTTP: one tenant's traffic, however much, does
// not drop another tenant's entries (its reads going cold, several times slower, and telling it
// by their time that others are busy). Both were one LRU for all: mallory's 50,000 events, or
// her 23 MB of kept states, emptied them for everyone. Each tenant now holds its share.
import { memoryStorage, type Storage } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { as, start } from './attack'
import { boardSnapshot, NAMES, personal } from './erasureFixtures'
import { batch, events } from './helpers'

/** The store, counting by tenant what a cache would spare: key look-ups and kept-state loads. */
function counting(storage: Storage) {
  const keys = new Map<string, number>()
  const loads = new Map<string, number>()
  const add = (map: Map<string, number>, tenant = '') => map.set(tenant, (map.get(tenant) ?? 0) + 1)
  const wrapped: Storage = {
    ...storage,
    kind: storage.kind,
    subjectKeys: (tenant, subjects) => {
      add(keys, tenant)
      return storage.subjectKeys!(tenant, subjects)
    },
    loadCheckpoint: (name, tenant) => {
      if (name.includes('#')) add(loads, tenant)
      return storage.loadCheckpoint(name, tenant)
    },
    ...(storage.lastCheckpoint && {
      lastCheckpoint: (...args: Parameters<NonNullable<Storage['lastCheckpoint']>>) => {
        add(loads, args[2])
        return storage.lastCheckpoint!(...args)
      },
    }),
  }
  return { storage: wrapped, keys, loads }
}

const renamed = (clientId: string, seq: number, userId: string, name: string) =>
  events(clientId, seq, 1, {
    type: 'user/renamed',
    stream: 'users',
    payload: { userId, name, email: `${userId}@example.com` },
  })

describe('caches shared by tenants, over real HTTP', () => {
  it("one tenant's 50,000 events with 50,000 subjects leave another's opened fields and keys cached", async () => {
    const probe = counting(memoryStorage())
    const { url } = await start({ storage: probe.storage, personal })
    const alice = as(url, 'alice@acme')
    const mine = Array.from({ length: 20 }, (_, i) =>
      renamed('a', i + 1, `u${i}`, `${NAMES.ada} ${i}`),
    )
    expect((await alice.post(batch('a', mine.flat()))).status).toBe(200)
    const first = await alice.get('/events?after=v1:0')
    expect(first.body.events).toHaveLength(20)
    probe.keys.clear()
    // Mallory (another tenant) appends 50 batches of 1,000 events, each of a new subject:
    // every append's keys and sealed fields are learned by the cache.
    const mallory = as(url, 'mallory@evil')
    for (let b = 0; b < 50; b++) {
      const list = Array.from({ length: 1000 }, (_, i) => {
        const seq = b * 1000 + i + 1
        return renamed('m', seq, `m${seq}`, 'Mallory')
      })
      expect((await mallory.post(batch('m', list.flat()))).status).toBe(200)
    }
    const again = await alice.get('/events?after=v1:0')
    expect(again.body).toEqual(first.body)
    // Served from the cache: not one key of acme's subjects looked up again.
    expect(probe.keys.get('acme') ?? 0).toBe(0)
    // Mallory's own fields are cached within her share, and served to her right.
    const hers = await mallory.get('/events?after=v1:0&limit=5')
    expect(hers.body.events.map((e: any) => e.payload.name)).toEqual(Array(5).fill('Mallory'))
  }, 120_000)

  it("one tenant paging back through 23 MB of kept states leaves another's kept state cached", async () => {
    const probe = counting(memoryStorage())
    const board = { ...boardSnapshot, keepEvery: 2 }
    const { url } = await start({ storage: probe.storage, snapshots: [board] })
    const card = (clientId: string, seq: number, title: string) =>
      events(clientId, seq, 1, {
        type: 'card/added',
        stream: 'cards',
        payload: { authorId: 'bob', author: 'Bob', title },
      })
    const bob = as(url, 'bob@acme')
    const cards = Array.from({ length: 5 }, (_, i) => card('b', i + 1, `card ${i + 1}`))
    expect((await bob.post(batch('b', cards.flat()))).status).toBe(200)
    expect((await bob.get('/snapshots/board')).body.position).toBe('v1:5')
    const page = '/snapshots/board?before=v1:5&events=1'
    probe.loads.clear()
    const first = await bob.get(page)
    expect([first.status, first.body.position]).toEqual([200, 'v1:4'])
    expect(probe.loads.get('acme')).toBe(1)
    // Mallory's 40 cards of 60 KB titles: a state of 60 KB more each.
    const mallory = as(url, 'mallory@evil')
    for (let seq = 1; seq <= 40; seq++) {
      const title = `${seq}`.padEnd(60_000, '.')
      expect((await mallory.post(batch('m', card('m', seq, title)))).status).toBe(200)
    }
    expect((await mallory.get('/snapshots/board')).body.position).toBe('v1:40')
    // Her kept states from 38 down to 2: 2.3 MB, 2.2 MB, ... 120 KB (23 MB in all).
    for (let before = 40; before >= 4; before -= 2) {
      const back = await mallory.get(`/snapshots/board?before=v1:${before}&events=1`)
      expect([before, back.status, back.body.position]).toEqual([before, 200, `v1:${before - 2}`])
    }
    const again = await bob.get(page)
    expect(again.body).toEqual(first.body)
    // Served from the cache: acme's kept state was not loaded again.
    expect(probe.loads.get('acme')).toBe(1)
  }, 120_000)
})
