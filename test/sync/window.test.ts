import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import {
  browser,
  type CountersStore,
  countersSnapshot,
  eventReads,
  seed,
  testServer,
} from './history.helpers'

/** Every state in memory is the fold of the events before it: `a` counts them. */
function expectExact(store: CountersStore) {
  const { start, length } = store.history
  for (let i = start; i <= length; i += 97) {
    expect(store.logs.states.at(i)).toEqual(i ? { a: i } : {})
  }
  expect(store.logs.states.at(length)).toEqual({ a: length })
}

/** Lets the settled history write (after a quiet moment) and evict. */
async function quiet(
  tab: { clock: { advance(ms: number): void }; store: CountersStore },
  start: number,
) {
  tab.clock.advance(2000)
  await vi.waitFor(() => expect(tab.store.history.start).toBe(start))
}

describe('the history window of a synced store', () => {
  it('keeps about history.window settled events in memory; loadEarlier pages the rest back from IndexedDB', async () => {
    const server = testServer()
    await seed(server, 5500)
    const tab = browser(server)({ history: { window: 1500 } })
    await tab.sync.pull()
    await quiet(tab, 4000)
    expect(tab.store.logs.events).toHaveLength(1500)
    expect(tab.store.history.length).toBe(5500)
    expectExact(tab.store)

    const reads = server.requests.length
    expect(await tab.store.history.loadEarlier(1000)).toBe(1000)
    expect(tab.store.history.start).toBe(3000)
    expect(await tab.store.history.loadEarlier(2500)).toBe(3000)
    expect(tab.store.history.start).toBe(0)
    expect(await tab.store.history.loadEarlier()).toBe(0)
    // All from this device's pages.
    expect(server.requests.length).toBe(reads)
    expectExact(tab.store)
    tab.store.history.jumpTo(17)
    expect(tab.store.getState()).toEqual({ a: 17 })
  })

  it('keeps events paged in while they are looked at, and lets them go a minute later', async () => {
    const server = testServer()
    await seed(server, 3000)
    const tab = browser(server)({ history: { window: 1000 } })
    await tab.sync.pull()
    await quiet(tab, 2000)
    await tab.store.history.loadEarlier(1000)
    await seed(server, 1, { from: 3001 })
    await tab.sync.pull()
    tab.clock.advance(2000)
    await new Promise((r) => setTimeout(r, 20))
    expect(tab.store.history.start).toBe(1000)
    tab.clock.advance(60_000)
    await seed(server, 1, { from: 3002 })
    await tab.sync.pull()
    await quiet(tab, 2000)
  })

  it('after a reload, pages back through the pages the page before kept', async () => {
    const server = testServer()
    await seed(server, 4200)
    const tab = browser(server)
    const first = tab({ history: { window: 1000 } })
    await first.sync.pull()
    await quiet(first, 3000)
    await first.sync.close()

    const second = tab({ history: { window: 1000 } })
    await second.sync.ready
    expect(second.sync.getSnapshot().boot).toBe('local-snapshot')
    expect(second.store.history.start).toBe(4200)
    const reads = server.requests.length
    // 4200 down to 3000 from this device's pages (the snapshot's tail page, then a full one).
    expect(await second.store.history.loadEarlier(1200)).toBe(1200)
    expect(second.store.history.start).toBe(3000)
    // And on, through the pages of the events the page before had evicted.
    expect(await second.store.history.loadEarlier(3000)).toBe(3000)
    expect(second.store.history.start).toBe(0)
    expect(server.requests.length).toBe(reads)
    expectExact(second.store)
  })

  it("without pages of its own, pages back from the server snapshot's kept states", async () => {
    const server = testServer({ snapshots: [countersSnapshot({ keepEvery: 1000 })] })
    await seed(server, 4500)
    const tab = browser(server)({ snapshot: 'counters', persist: false })
    await tab.sync.ready
    expect(tab.sync.getSnapshot().boot).toBe('server-snapshot')
    expect(tab.store.history.start).toBe(4500)
    const reads = eventReads(server).length
    // The kept state at or before 4500 - 700 is at 3000: 1500 events.
    expect(await tab.store.history.loadEarlier(700)).toBe(1500)
    expect(tab.store.history.start).toBe(3000)
    expect(eventReads(server).length - reads).toBe(2)
    expectExact(tab.store)
    while (tab.store.history.start > 0) await tab.store.history.loadEarlier(2000)
    expectExact(tab.store)
  })

  it('with no snapshot anywhere, pages back by folding from the first event', async () => {
    const server = testServer({ snapshots: [countersSnapshot()] })
    await seed(server, 2600)
    const tab = browser(server)({ persist: false, history: { window: 1000 } })
    await tab.sync.pull()
    await quiet(tab, 1600)
    expect(await tab.store.history.loadEarlier(300)).toBe(1000)
    expect(tab.store.history.start).toBe(600)
    expectExact(tab.store)
  })

  it("hot.replaceReducer with refold: 'all' folds every event again with the new reducer", async () => {
    const server = testServer()
    await seed(server, 3000)
    const tab = browser(server)({ history: { window: 1000 } })
    await tab.sync.pull()
    await quiet(tab, 2000)
    const doubled = (draft: Record<string, number>, event: { type: string; payload: any }) => {
      if (event.type === 'added') draft[event.payload.key] = (draft[event.payload.key] ?? 0) + 2
    }
    const report = tab.store.hot.replaceReducer(doubled as never)
    expect(report.baseFromEarlierCode).toBe(true)
    expect(tab.store.getState()).toEqual({ a: 2000 + 2000 })
    tab.store.hot.replaceReducer(doubled as never, { refold: 'all' })
    const done = await tab.store.hot.refolding
    expect(done).toMatchObject({ baseFromEarlierCode: false, firstChangedIndex: 2000 })
    expect(tab.store.getState()).toEqual({ a: 6000 })
    expect(tab.store.logs.states.at(2000)).toEqual({ a: 4000 })
  })
})
