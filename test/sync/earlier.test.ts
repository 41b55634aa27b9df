import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import { type Counters, counterReducer } from './helpers'
import {
  browser,
  type CountersStore,
  countersSnapshot,
  eventReads,
  rawDatabase,
  request,
  type TabOptions,
  testServer,
} from './history.helpers'

type Server = ReturnType<typeof testServer>
type Event = { type: 'set'; payload: { key: string; value: number } } | AddedEvent
type AddedEvent = { type: 'added'; payload: { key: string; by: number } }

const N = 5200

/** Event `i` (from 1): its order shows in the state, as a `set` overwrites what came before. */
const eventAt = (i: number): Event => {
  const key = 'abcde'[i % 5]!
  return i % 3 === 0
    ? { type: 'set', payload: { key, value: i } }
    : { type: 'added', payload: { key, by: i } }
}

async function seedOrdered(server: Server, n: number) {
  for (let s = 1; s <= n; s += 1000) {
    const events = Array.from({ length: Math.min(1000, n - s + 1) }, (_, k) => ({
      clientSeq: s + k,
      id: `seeder-${s + k}`,
      stream: 'default',
      ...eventAt(s + k),
      at: 1,
    }))
    const response = await server.server.fetch(
      new Request('http://s/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ protocol: 1, clientId: 'seeder', events }),
      }),
    )
    if (response.status !== 200) throw new Error(await response.text())
  }
}

/** The state after each number of events, folded one by one from the first. */
function fullFold(n: number): Counters[] {
  const states: Counters[] = [{}]
  for (let i = 1; i <= n; i++) {
    const next = { ...states[i - 1]! }
    counterReducer(next, eventAt(i) as never)
    states.push(next)
  }
  return states
}

const expected = fullFold(N)

/** Every event once, in order, and every state the fold of the events before it. */
function expectWholeHistory(store: CountersStore) {
  expect(store.history.start).toBe(0)
  expect(store.history.length).toBe(N)
  const events = store.logs.events
  expect(events.map((e) => e.position)).toEqual(expected.slice(1).map((_, i) => `v1:${i + 1}`))
  expect(events.map((e) => e.event)).toEqual(expected.slice(1).map((_, i) => eventAt(i + 1)))
  for (let i = 0; i <= N; i++) {
    if (JSON.stringify(store.logs.states.at(i)) !== JSON.stringify(expected[i])) {
      expect({ index: i, state: store.logs.states.at(i) }).toEqual({ index: i, state: expected[i] })
    }
  }
}

/** Pages back in uneven steps (never a page's size) until the first event is in memory. */
async function pageToStart(store: CountersStore, step: number) {
  let calls = 0
  while (store.history.start > 0 && calls++ < 50) {
    const start = store.history.start
    const loaded = await store.history.loadEarlier(step)
    expect(loaded).toBeGreaterThan(0)
    expect(store.history.start).toBe(start - loaded)
  }
}

async function settledTab(server: Server, options: TabOptions) {
  const tab = browser(server)(options)
  await tab.sync.pull()
  tab.clock.advance(2000)
  await vi.waitFor(() => expect(tab.store.history.start).toBeGreaterThan(0))
  return tab
}

describe('loadEarlier across many pages equals the full fold at every index', () => {
  it.each([700, 1700, 4999])(
    "from this device's pages after a reload (steps of %i)",
    async (step) => {
      const server = testServer()
      await seedOrdered(server, N)
      const profile = browser(server)
      const first = profile({ history: { window: 1000 } })
      await first.sync.pull()
      first.clock.advance(2000)
      await vi.waitFor(() => expect(first.store.history.start).toBe(4000))
      await first.sync.close()

      const second = profile({ history: { window: 1000 } })
      await second.sync.ready
      expect(second.sync.getSnapshot().boot).toBe('local-snapshot')
      const reads = server.requests.length
      await pageToStart(second.store, step)
      expect(server.requests.length).toBe(reads)
      expectWholeHistory(second.store)
    },
  )

  it("from the same tab's pages, then on from where they end", async () => {
    const server = testServer()
    await seedOrdered(server, N)
    const tab = await settledTab(server, { history: { window: 1000 } })
    await pageToStart(tab.store, 2300)
    expectWholeHistory(tab.store)
  })

  it("from the server's kept states (steps of 1700)", async () => {
    const server = testServer({ snapshots: [countersSnapshot({ keepEvery: 1000 })] })
    await seedOrdered(server, N)
    const tab = browser(server)({ snapshot: 'counters', persist: false })
    await tab.sync.ready
    expect(tab.sync.getSnapshot().boot).toBe('server-snapshot')
    await pageToStart(tab.store, 1700)
    expectWholeHistory(tab.store)
    expect(eventReads(server).length).toBeGreaterThan(0)
  })

  it('by folding from the first event, with no snapshot anywhere (steps of 1300)', async () => {
    const server = testServer({ snapshots: [countersSnapshot()] })
    await seedOrdered(server, N)
    const tab = await settledTab(server, { persist: false, history: { window: 1000 } })
    await pageToStart(tab.store, 1300)
    expectWholeHistory(tab.store)
  })
})

describe('pages kept by the schema before this one', () => {
  it('are dropped on upgrade (each held its state inline); the outbox and snapshot stay', async () => {
    const { IDBFactory } = await import('fake-indexeddb')
    const indexedDB = new IDBFactory()
    const old = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('strata-sync:app', 2)
      request.onupgradeneeded = () => {
        const d = request.result
        d.createObjectStore('meta')
        d.createObjectStore('claimed', { keyPath: 'clientSeq' })
        d.createObjectStore('drafts', { keyPath: 'owner' })
        d.createObjectStore('leases', { keyPath: 'name' })
        d.createObjectStore('snapshots', { keyPath: 'version' })
        d.createObjectStore('pages', { keyPath: ['version', 'end'] }).put({
          version: '',
          start: 'v0',
          end: 'v1:3',
          from: 0,
          base: { a: 0 },
          events: [],
          commands: [],
        })
      }
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
    old.close()
    const server = testServer()
    await seedOrdered(server, 30)
    const tab = browser(server, indexedDB)()
    await tab.sync.pull()
    expect(tab.store.getState()).toEqual(expected[30])
    await tab.sync.close()
    const db = await rawDatabase(indexedDB)
    try {
      expect([...db.objectStoreNames]).toContain('bases')
      const keys = await request(db.transaction('pages').objectStore('pages').getAllKeys())
      expect(keys).not.toContainEqual(['', 'v1:3'])
    } finally {
      db.close()
    }
  })
})
