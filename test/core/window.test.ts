import { createStore } from '@strata/state'
import { type HistoryPage, replicaOf } from '@strata/state/sync'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'

type Ev = { type: 'add'; payload: number }
type State = { n: number; seen: number }
const initialState: State = { n: 0, seen: 0 }
let calls = 0
const reducer = (d: State, e: Ev) => {
  calls++
  d.n += e.payload
  d.seen++
}
const sum = (k: number) => (k * (k + 1)) / 2
const remote = (i: number) => ({
  id: `r${i}`,
  event: { type: 'add', payload: i },
  at: i,
  position: `v1:${i}`,
})

/** A synced store that pulled events 1..n, so all of them are settled. */
function pulled(n: number, history = {}) {
  const store = createStore({
    initialState,
    reducer,
    history,
    commands: { add: (_s: State, by: number) => ({ type: 'add' as const, payload: by }) },
  })
  const replica = replicaOf(store)
  replica.pull(Array.from({ length: n }, (_, i) => remote(i + 1)))
  return { store, replica }
}

describe('the history window', () => {
  it('keeps history indexes when old events leave memory', () => {
    const { store, replica } = pulled(10)
    const page = replica.evict(4)!
    expect(page.from).toBe(0)
    expect(page.events.map((e) => e.id)).toEqual(['r1', 'r2', 'r3', 'r4'])
    expect(page.base).toEqual(initialState)
    expect(store.history).toMatchObject({ start: 4, length: 10, cursor: 10 })
    expect(store.logs.events).toHaveLength(6)
    expect(store.logs.states.length).toBe(11)
    expect(store.logs.states.at(4)).toEqual({ n: sum(4), seen: 4 })
    expect(store.logs.states.at(7)).toEqual({ n: sum(7), seen: 7 })
    expect(() => store.logs.states.at(3)).toThrow(
      /No state at index 3: use an integer from 4 to 10 \(loadEarlier\(\) pages in the others\)/,
    )
    store.history.jumpTo(5)
    expect(store.history.cursor).toBe(5)
    expect(store.getState()).toEqual({ n: sum(5), seen: 5 })
    store.history.step(-5)
    expect(store.history.cursor).toBe(4)
    expect(() => store.history.jumpTo(2)).toThrow(RangeError)
  })

  it('never takes out a pending event or the viewed state', () => {
    const { store, replica } = pulled(5)
    store.dispatch({ type: 'add', payload: 100 })
    expect(replica.evict(10)!.events).toHaveLength(5)
    expect(replica.pending()).toHaveLength(1)
    expect(replica.evict(1)).toBeUndefined()

    const viewed = pulled(6)
    viewed.store.history.jumpTo(2)
    expect(viewed.replica.evict(5)!.events).toHaveLength(2)
    expect(viewed.store.history.cursor).toBe(2)
    expect(viewed.store.getState()).toEqual({ n: 3, seen: 2 })
  })

  it('puts a page back below the window, states and commands as they were', () => {
    const { store, replica } = pulled(20)
    store.dispatch({ type: 'add', payload: 1 })
    const head = store.getState()
    const first = replica.evict(8)!
    const second = replica.evict(7)!
    expect(store.history.start).toBe(15)
    store.history.jumpTo(18)
    replica.extend(second)
    expect(store.history).toMatchObject({ start: 8, cursor: 18, length: 21 })
    expect(store.getState()).toEqual({ n: sum(18), seen: 18 })
    replica.extend(first)
    expect(store.history.start).toBe(0)
    for (let i = 0; i <= 20; i++) expect(store.logs.states.at(i)).toEqual({ n: sum(i), seen: i })
    expect(store.logs.states.at(21)).toEqual(head)
    expect(store.logs.events.map((e) => e.id).slice(0, 3)).toEqual(['r1', 'r2', 'r3'])
    // Settled again, so a later pull does not apply them twice.
    expect(replica.settled).toBe(20)
    expect(replica.pull([remote(3)])).toMatchObject({ applied: 0, duplicates: 1 })
  })

  it('checkpoints a page paged in with its base only, on its first walk', () => {
    const { store, replica } = pulled(300, { checkpointEveryMs: 0 })
    const page = replica.evict(250)!
    replica.extend({ ...page, events: page.events, states: [] })
    calls = 0
    expect(store.logs.states.at(240)).toEqual({ n: sum(240), seen: 240 })
    expect(calls).toBe(240)
    calls = 0
    for (const i of [17, 120, 239, 3]) {
      expect(store.logs.states.at(i)).toEqual({ n: sum(i), seen: i })
    }
    expect(calls).toBe(0)
  })

  it('resets the settled events to a snapshot and rebases the pending ones on top', () => {
    const store = createStore({
      initialState,
      reducer,
      commands: { add: (s: State, by: number) => ({ type: 'add' as const, payload: s.n + by }) },
    })
    const replica = replicaOf(store)
    store.dispatch({ type: 'add', payload: 1 })
    const [pending] = store.logs.events
    replica.reset({ state: { n: 1000, seen: 40 }, start: 40 })
    expect(store.history).toMatchObject({ start: 40, length: 41 })
    expect(store.logs.states.at(40)).toEqual({ n: 1000, seen: 40 })
    // The command ran again on the snapshot: 1000 + 1, under the same event id.
    expect(store.getState()).toEqual({ n: 2001, seen: 41 })
    expect(store.logs.events.map((e) => e.id)).toEqual([pending!.id])
    expect(store.logs.commands).toHaveLength(1)
    expect(replica.settled).toBe(0)
    expect(replica.settledState()).toEqual({ n: 1000, seen: 40 })
  })

  it('forgets what commit, limit and load fold: the numbering starts again at 0', async () => {
    const { store, replica } = pulled(10)
    const load = vi.fn(async () => 0)
    replica.setEarlier({ load, refold: async () => initialState, toggle: async () => undefined })
    replica.evict(3)
    store.history.jumpTo(6)
    store.history.commit()
    expect(store.history).toMatchObject({ start: 0, cursor: 0, length: 4 })
    expect(await store.history.loadEarlier()).toBe(0)
    expect(load).not.toHaveBeenCalled()
  })
})

describe('history.loadEarlier', () => {
  it('asks the source the sync client set, and resolves 0 without one', async () => {
    const { store, replica } = pulled(3)
    expect(await store.history.loadEarlier(5)).toBe(0)
    const load = vi.fn(async (count: number | undefined) => count ?? 7)
    replica.setEarlier({ load, refold: async () => initialState, toggle: async () => undefined })
    expect(await store.history.loadEarlier(5)).toBe(5)
    expect(await store.history.loadEarlier()).toBe(7)
    expect(load.mock.calls).toEqual([[5], [undefined]])
  })

  it.each([[0], [-1], [1.5], ['3']])('refuses the count %j', (count) => {
    const { store } = pulled(1)
    expect(() => store.history.loadEarlier(count as number)).toThrow(
      /history.loadEarlier expects a positive integer count/,
    )
  })
})

describe('hot.replaceReducer with a window', () => {
  const doubled = (d: State, e: Ev) => {
    d.n += 2 * e.payload
    d.seen++
  }

  it('re-folds the window from its base and says the base was folded by earlier code', () => {
    const { store, replica } = pulled(10)
    replica.evict(6)
    const report = store.hot.replaceReducer(doubled)
    expect(report).toMatchObject({
      changed: true,
      firstChangedIndex: 6,
      firstChangedEventId: 'r7',
      baseFromEarlierCode: true,
      at: 10,
    })
    expect(store.getState()).toEqual({ n: sum(6) + 2 * (sum(10) - sum(6)), seen: 10 })
    expect(store.hot.refolding).toBeUndefined()
    const whole = pulled(3)
    expect(whole.store.hot.replaceReducer(doubled).baseFromEarlierCode).toBe(false)
  })

  it("with refold: 'all' replaces the base with the new reducer's fold of earlier events", async () => {
    const { store, replica } = pulled(10)
    const page = replica.evict(6)!
    replica.setEarlier({
      load: async () => 0,
      toggle: async () => undefined,
      refold: async () => {
        let state: State = initialState
        for (const e of page.events)
          state = { n: state.n + 2 * (e.payload as number), seen: state.seen + 1 }
        return state
      },
    })
    const first = store.hot.replaceReducer(doubled, { refold: 'all' })
    expect(first.baseFromEarlierCode).toBe(true)
    const done = await store.hot.refolding!
    expect(done).toMatchObject({
      kind: 'reducer',
      baseFromEarlierCode: false,
      firstChangedIndex: 6,
    })
    expect(store.hot.reports.at(-1)).toBe(done)
    expect(store.getState()).toEqual({ n: 2 * sum(10), seen: 10 })
    expect(store.logs.states.at(6)).toEqual({ n: 2 * sum(6), seen: 6 })
    expect(store.hot.refolding).toBeUndefined()
  })
})

describe('property: the window keeps every loaded state a fold of its events', () => {
  it('after any evictions, pages put back, pulls, dispatches and jumps', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('pull' as const), n: fc.integer({ min: 1, max: 30 }) }),
      fc.record({ kind: fc.constant('evict' as const), n: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ kind: fc.constant('extend' as const) }),
      fc.record({ kind: fc.constant('dispatch' as const), by: fc.integer({ min: 1, max: 9 }) }),
      fc.record({
        kind: fc.constant('jump' as const),
        to: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
    )
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.constantFrom(0, 0.01, 4), (ops, ms) => {
        const { store, replica } = pulled(0, { checkpointEveryMs: ms })
        const pages: HistoryPage<unknown>[] = []
        let next = 1
        const all: number[] = []
        for (const o of ops) {
          if (o.kind === 'pull') {
            const batch = Array.from({ length: o.n }, () => remote(next++))
            replica.pull(batch)
          } else if (o.kind === 'evict') {
            const page = replica.evict(o.n)
            if (page) pages.push(page)
          } else if (o.kind === 'extend') {
            const page = pages.pop()
            if (page) replica.extend(page)
          } else if (o.kind === 'dispatch') store.dispatch({ type: 'add', payload: o.by })
          else {
            const { start, length } = store.history
            store.history.jumpTo(start + Math.floor(o.to * (length - start)))
          }
        }
        all.push(...store.logs.events.map((e) => e.payload as number))
        const { start, length } = store.history
        expect(start).toBe(pages.reduce((n, p) => n + p.events.length, 0))
        // Settled events first (in position order), then the pending ones.
        let state = pages.length ? (pages[0]!.base as State) : initialState
        for (const p of pages)
          for (const e of p.events)
            state = { n: state.n + (e.payload as number), seen: state.seen + 1 }
        expect(store.logs.states.at(start)).toEqual(state)
        for (let i = start; i < length; i++) {
          const by = all[i - start]!
          state = { n: state.n + by, seen: state.seen + 1 }
          expect(store.logs.states.at(i + 1)).toEqual(state)
        }
      }),
      { numRuns: 150 },
    )
  })
})
