// Paging back (history.loadEarlier) through GET /events pages cut short by the server's byte
// budget (limits.maxReadBytes): every event once, in order, each state the fold before it.
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { type Counters, counterReducer } from '../sync/helpers'
import { browser, countersSnapshot, eventReads, testServer } from '../sync/history.helpers'

const N = 1200
const BUDGET = 8_000
/** Event `i`: its place shows in the state, and its padding fills a page in about 40 events. */
const eventAt = (i: number) => ({
  type: 'set' as const,
  payload: { key: 'abc'[i % 3]!, value: i, pad: 'é'.repeat(80) },
})

describe('loadEarlier across pages cut at the byte budget', () => {
  it("from the server's kept states: the whole history, read in short pages", async () => {
    const server = testServer({
      snapshots: [countersSnapshot({ keepEvery: 500 })],
      limits: { maxReadBytes: BUDGET },
    })
    for (let s = 1; s <= N; s += 400) {
      const events = Array.from({ length: 400 }, (_, k) => ({
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
      expect(response.status).toBe(200)
    }
    const tab = browser(server)({ snapshot: 'counters', persist: false })
    await tab.sync.ready
    expect(tab.sync.getSnapshot().boot).toBe('server-snapshot')
    const reads = eventReads(server).length
    let calls = 0
    while (tab.store.history.start > 0 && calls++ < 50) await tab.store.history.loadEarlier(300)
    const { store } = tab
    expect(store.history.start).toBe(0)
    expect(store.logs.events.map((e) => e.position)).toEqual(
      Array.from({ length: N }, (_, i) => `v1:${i + 1}`),
    )
    const state: Counters = {}
    for (let i = 1; i <= N; i++) {
      counterReducer(state, eventAt(i) as never)
      expect(store.logs.states.at(i)).toEqual(state)
    }
    // Pages of about 40 events, not 1,000: the budget cut them.
    expect(eventReads(server).length - reads).toBeGreaterThan(N / 100)
  })
})
