import 'fake-indexeddb/auto'
import { createStore } from '@strata/state'
import { replicaOf } from '@strata/state/sync'
import { describe, expect, it, vi } from 'vitest'
import { type Counters, counterReducer } from './helpers'
import {
  browser,
  type CountersStore,
  countersSnapshot,
  eventReads,
  storedSnapshot,
  testServer,
} from './history.helpers'

// Skipping an event before the window of a synced store: history.toggleEarlier folds the history
// again from the server without it (from a kept state, or the first event), a page at a time,
// and the window's states from the new base; the event is kept aside, memory the window's.

/** Event i adds i to counter `k<i % 7>`: skipping any one changes every later state differently. */
const wire = (i: number, clientId = 'seeder') => ({
  clientSeq: i,
  id: `${clientId}-${i}`,
  stream: 'default',
  type: 'added',
  payload: { key: `k${i % 7}`, by: i },
  at: i,
})

async function seed(server: ReturnType<typeof testServer>, n: number, from = 1) {
  for (let s = from; s < from + n; s += 1000) {
    const events = Array.from({ length: Math.min(1000, from + n - s) }, (_, k) => wire(s + k))
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

/** The same n events, all in memory, in a store without sync: the full fold to compare with. */
function fullFold(n: number, skipped: readonly number[] = []) {
  const store = createStore({ initialState: {} as Counters, reducer: counterReducer })
  replicaOf(store).pull(
    Array.from({ length: n }, (_, k) => {
      const w = wire(k + 1)
      return {
        id: `seeder/${w.id}`,
        event: { type: w.type, payload: w.payload },
        at: w.at,
        position: `p${k}`,
      }
    }),
  )
  for (const i of skipped) store.history.toggle(`seeder/seeder-${i}`)
  return store
}

/** Every state in memory, at every index, is the full fold's. */
function expectFullFold(store: CountersStore, reference: ReturnType<typeof fullFold>) {
  expect(store.history.length).toBe(reference.history.length)
  for (let i = store.history.start; i <= store.history.length; i++) {
    expect(store.logs.states.at(i), `state ${i}`).toEqual(reference.logs.states.at(i))
  }
  expect(store.getState()).toEqual(reference.getState())
}

async function windowedTab(server: ReturnType<typeof testServer>, window: number, start: number) {
  const profile = browser(server)
  const tab = profile({ history: { window } })
  await tab.sync.pull()
  tab.clock.advance(2000)
  await vi.waitFor(() => expect(tab.store.history.start).toBe(start))
  return { ...tab, indexedDB: profile.indexedDB }
}

describe('history.toggleEarlier on a synced store', () => {
  it("skips an event before the window without paging it in: every state is the full fold's", async () => {
    const server = testServer()
    await seed(server, 4500)
    const tab = await windowedTab(server, 1500, 3000)
    const old = tab.store.logs.states.at(3000)

    expect(await tab.store.history.toggleEarlier('seeder/seeder-2345')).toBe(true)
    // Memory holds the window, as before: the event is kept aside, not paged in.
    expect(tab.store.history.start).toBe(3000)
    expect(tab.store.logs.events).toHaveLength(1500)
    expectFullFold(tab.store, fullFold(4500, [2345]))
    // The window's base (index 3000) was folded again without it.
    expect(tab.store.logs.states.at(3000)).not.toEqual(old)

    // Toggled back: the states of the untouched history.
    expect(() => tab.store.history.toggle('seeder/seeder-2345')).toThrow(/toggleEarlier/)
    expect(await tab.store.history.toggleEarlier('seeder/seeder-2345')).toBe(false)
    expectFullFold(tab.store, fullFold(4500))
    expect(tab.store.logs.states.at(3000)).toEqual(old)
  })

  it('skips a second event further back, keeping the first skip; un-skips either', async () => {
    const server = testServer()
    await seed(server, 3500)
    const tab = await windowedTab(server, 1000, 2000)
    await tab.store.history.toggleEarlier('seeder/seeder-1900')
    expect(await tab.store.history.toggleEarlier('seeder/seeder-2')).toBe(true)
    expect(tab.store.history.start).toBe(2000)
    expectFullFold(tab.store, fullFold(3500, [2, 1900]))
    expect(await tab.store.history.toggleEarlier('seeder/seeder-1900')).toBe(false)
    expectFullFold(tab.store, fullFold(3500, [2]))
    // A skip in memory beside one kept aside.
    expect(tab.store.history.toggle('seeder/seeder-3000')).toBe(true)
    expectFullFold(tab.store, fullFold(3500, [2, 3000]))
    expect(await tab.store.history.toggleEarlier('seeder/seeder-2')).toBe(false)
    expectFullFold(tab.store, fullFold(3500, [3000]))
  })

  it.each([
    [4450, 'just before the window'],
    [1000, 'last of a server page'],
    [1001, 'first of the next page'],
    [1, 'the first event'],
  ])(
    'on a tab booted from the server snapshot, folds from the first event: event %i (%s)',
    async (k) => {
      const server = testServer({ snapshots: [countersSnapshot({ keepEvery: 1000 })] })
      await seed(server, 4500)
      const tab = browser(server)({ snapshot: 'counters', persist: false })
      await tab.sync.ready
      expect(tab.store.history.start).toBe(4500)
      const reads = eventReads(server).length
      expect(await tab.store.history.toggleEarlier(`seeder/seeder-${k}`)).toBe(true)
      expect(eventReads(server).length).toBeGreaterThan(reads)
      expect(tab.store.history.start).toBe(4500)
      expect(tab.store.logs.events).toHaveLength(0)
      expect(tab.store.getState()).toEqual(fullFold(4500, [k]).getState())
      expect(await tab.store.history.toggleEarlier(`seeder/seeder-${k}`)).toBe(false)
      expect(tab.store.getState()).toEqual(fullFold(4500).getState())
    },
  )

  it('yields to the page while it folds, and says how far it got', async () => {
    const server = testServer()
    await seed(server, 6000)
    const tab = await windowedTab(server, 1000, 5000)
    const progress: number[] = []
    const unsubscribe = tab.sync.subscribe(() => {
      const p = tab.sync.getSnapshot().progress
      if (p?.task === 'earlier') progress.push(p.done)
    })
    let ticks = 0
    const timer = setInterval(() => ticks++, 0)
    await tab.store.history.toggleEarlier('seeder/seeder-3')
    clearInterval(timer)
    unsubscribe()
    expect(ticks).toBeGreaterThan(0)
    expect(progress.length).toBeGreaterThan(0)
    expectFullFold(tab.store, fullFold(6000, [3]))
  })

  it('an unknown id rejects after looking through every event; no state changed', async () => {
    const server = testServer()
    await seed(server, 2500)
    const tab = await windowedTab(server, 1000, 1000)
    const version = tab.store.logs.version
    await expect(tab.store.history.toggleEarlier('seeder/seeder-9999')).rejects.toThrow(
      /history.toggle: no event with id "seeder\/seeder-9999"/,
    )
    expect(tab.store.history.start).toBe(1000)
    expect(tab.store.logs.version).toBe(version)
    expect(tab.store.logs.events.some((e) => e.skipped)).toBe(false)
    expectFullFold(tab.store, fullFold(2500))
  })

  it('a minute later the window is its size again, the skipped event kept aside', async () => {
    const server = testServer()
    await seed(server, 3000)
    const tab = await windowedTab(server, 1000, 2000)
    await tab.store.history.toggleEarlier('seeder/seeder-1500')
    expect(tab.store.history.start).toBe(2000)
    // A minute later, new events settle and the settled history writes and evicts: down to the
    // window, the skipped event with the others, its skip still in every state.
    tab.clock.advance(61_000)
    await seed(server, 1000, 3001)
    await tab.sync.pull()
    tab.clock.advance(2000)
    await vi.waitFor(() => expect(tab.store.history.start).toBe(3000))
    expectFullFold(tab.store, fullFold(4000, [1500]))
    // What is kept of the settled history is the server's fold.
    await vi.waitFor(async () => expect((await storedSnapshot(tab.indexedDB))?.count).toBe(4000))
    expect((await storedSnapshot(tab.indexedDB)).state).toEqual(fullFold(4000).getState())

    // loadEarlier pages in what it is asked for, not down to it: the page's base leaves it out.
    expect(await tab.store.history.loadEarlier(10)).toBe(10)
    expect(tab.store.history.start).toBe(2990)
    expect(tab.store.logs.events).toHaveLength(1010)
    expectFullFold(tab.store, fullFold(4000, [1500]))
    expect(await tab.store.history.loadEarlier(1000)).toBe(1000)
    expectFullFold(tab.store, fullFold(4000, [1500]))
    // Down to it: the page holds it, skipped, kept aside no more.
    expect(await tab.store.history.loadEarlier(1000)).toBe(1000)
    expect(tab.store.history.start).toBe(990)
    expectFullFold(tab.store, fullFold(4000, [1500]))
    // Un-skipped in memory: the untouched history.
    expect(tab.store.history.toggle('seeder/seeder-1500')).toBe(false)
    expectFullFold(tab.store, fullFold(4000))
  })

  /** The server's snapshot of another reducer version: a state of it used would show `other`. */
  const otherVersion = countersSnapshot({
    keepEvery: 1000,
    version: 'old',
    reducer: (draft: Counters, event: Parameters<typeof counterReducer>[1]) => {
      counterReducer(draft, event)
      draft.other = 1
    },
  })

  it.each([
    ['the first event', undefined, undefined],
    ['a state the server kept before it', countersSnapshot({ keepEvery: 1000 }), ''],
    ['the first event, the server keeping states of another version', otherVersion, ''],
  ])(
    'pages in above a skip kept aside from %s, never keeping the skip',
    async (_from, kept, version) => {
      const server = testServer({ snapshots: kept ? [kept] : [] })
      await seed(server, 4000)
      const profile = browser(server)
      const tab = profile({
        history: { window: 1000 },
        ...(version !== undefined && { snapshot: 'counters' }),
      })
      await tab.sync.pull()
      tab.clock.advance(2000)
      // Booted from the events (a window of 1,000) or from the server's snapshot (none in memory).
      const top = kept?.version === '' ? 4000 : 3000
      await vi.waitFor(() => expect(tab.store.history.start).toBe(top))
      await tab.store.history.toggleEarlier('seeder/seeder-1234')
      await tab.store.history.toggleEarlier('seeder/seeder-2100')
      // Paged in above both, then between them: each page's states are the fold without both.
      expect(await tab.store.history.loadEarlier(500)).toBe(500)
      expect(tab.store.logs.events).toHaveLength(4500 - top)
      expectFullFold(tab.store, fullFold(4000, [1234, 2100]))
      expect(await tab.store.history.loadEarlier(top - 2000)).toBe(top - 2000)
      expect(tab.store.history.start).toBe(1500)
      expect(tab.store.logs.events.find((e) => e.id === 'seeder/seeder-2100')?.skipped).toBe(true)
      expectFullFold(tab.store, fullFold(4000, [1234, 2100]))
      // A third skip before the window, kept aside with the first from the fold they came with.
      await tab.store.history.toggleEarlier('seeder/seeder-700')
      expectFullFold(tab.store, fullFold(4000, [700, 1234, 2100]))
      // More settle, the window evicts back to its size: what is kept of the settled history is
      // the server's fold (no skip), the page still shows both.
      tab.clock.advance(61_000)
      await seed(server, 1000, 4001)
      await tab.sync.pull()
      tab.clock.advance(2000)
      await vi.waitFor(() => expect(tab.store.history.start).toBe(4000))
      expectFullFold(tab.store, fullFold(5000, [700, 1234, 2100]))
      await vi.waitFor(async () =>
        expect((await storedSnapshot(profile.indexedDB))?.count).toBe(5000),
      )
      expect((await storedSnapshot(profile.indexedDB)).state).toEqual(fullFold(5000).getState())
      // Un-skipped while aside: the untouched history.
      for (const k of [700, 1234, 2100])
        expect(await tab.store.history.toggleEarlier(`seeder/seeder-${k}`)).toBe(false)
      expectFullFold(tab.store, fullFold(5000))
    },
  )

  it('un-skips an event kept aside, folding the history again', async () => {
    const server = testServer()
    await seed(server, 3000)
    const tab = await windowedTab(server, 1000, 2000)
    await tab.store.history.toggleEarlier('seeder/seeder-700')
    tab.clock.advance(61_000)
    await seed(server, 1000, 3001)
    await tab.sync.pull()
    tab.clock.advance(2000)
    await vi.waitFor(() => expect(tab.store.history.start).toBe(3000))
    expect(() => tab.store.history.toggle('seeder/seeder-700')).toThrow(/toggleEarlier/)
    expect(await tab.store.history.toggleEarlier('seeder/seeder-700')).toBe(false)
    expectFullFold(tab.store, fullFold(4000))
  })
})

describe('a skip is never kept', () => {
  it('the snapshot written while an event is skipped folds it in: a reload shows the server fold', async () => {
    const server = testServer()
    await seed(server, 3000)
    const profile = browser(server)
    const first = profile({ history: { window: 1000 } })
    await first.sync.pull()
    first.clock.advance(2000)
    await vi.waitFor(() => expect(first.store.history.start).toBe(2000))
    await first.store.history.toggleEarlier('seeder/seeder-1500')
    await seed(server, 100, 3001)
    await first.sync.pull()
    first.clock.advance(2000)
    await vi.waitFor(async () =>
      expect((await storedSnapshot(profile.indexedDB))?.count).toBe(3100),
    )
    expect((await storedSnapshot(profile.indexedDB)).state).toEqual(fullFold(3100).getState())
    // The page itself still shows the skip.
    expectFullFold(first.store, fullFold(3100, [1500]))
    await first.sync.close()

    const second = profile({ history: { window: 1000 } })
    await second.sync.ready
    expect(second.sync.getSnapshot().boot).toBe('local-snapshot')
    expect(second.store.getState()).toEqual(fullFold(3100).getState())
  })
})

describe('pages written during a skip', () => {
  /** Skips event `k` while 1,000 more events settle (a page is written), un-skips, reloads. */
  async function reloadAfterSkip(k: number) {
    const server = testServer()
    await seed(server, 1500)
    const profile = browser(server)
    const first = profile()
    await first.sync.pull()
    first.clock.advance(2000)
    await vi.waitFor(async () =>
      expect((await storedSnapshot(profile.indexedDB))?.count).toBe(1500),
    )
    first.store.history.toggle(`seeder/seeder-${k}`)
    await seed(server, 1000, 1501)
    await first.sync.pull()
    first.clock.advance(2000)
    await vi.waitFor(async () =>
      expect((await storedSnapshot(profile.indexedDB))?.count).toBe(2500),
    )
    first.store.history.toggle(`seeder/seeder-${k}`)
    await first.sync.close()
    const second = profile({ history: { window: 1000 } })
    await second.sync.ready
    expect(second.store.getState()).toEqual(fullFold(2500).getState())
    while (second.store.history.start > 0) await second.store.history.loadEarlier(1000)
    return second.store
  }

  it('keep the fold with the skipped event: a reload pages in the server fold', async () => {
    const store = await reloadAfterSkip(100)
    expectFullFold(store, fullFold(2500))
  })

  // A page keeps no skip flag (records.ts), a skip being a devtools what-if.
  it('keep no skip flag: the skipped event itself comes back un-skipped', async () => {
    const store = await reloadAfterSkip(1200)
    expect(store.logs.events.filter((e) => e.skipped)).toEqual([])
    expectFullFold(store, fullFold(2500))
  })
})
