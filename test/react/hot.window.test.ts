import type { HotReport, Reducer } from '@strata/state'
import { hotStore } from '@strata/state/react'
import { replicaOf } from '@strata/state/sync'
import { describe, expect, it } from 'vitest'

// hotStore over a synced store whose window starts above a base state folded by the code before
// (a snapshot or evicted events): how far back a new reducer re-folds.
type Ev = { type: 'added'; payload: number }
type State = { n: number }
const once: Reducer<State, Ev> = (d, e) => {
  d.n += e.payload
}
const twice: Reducer<State, Ev> = (d, e) => {
  d.n += 2 * e.payload
}

function windowed(refoldAllUpTo?: number) {
  const data: Record<string, any> = {}
  const reports: HotReport[] = []
  const make = (reducer: Reducer<State, Ev>) =>
    hotStore(
      { data },
      { onReport: (r) => reports.push(r), ...(refoldAllUpTo !== undefined && { refoldAllUpTo }) },
    )({ initialState: { n: 0 }, reducer })
  const store = make(once)
  const replica = replicaOf(store)
  const events = Array.from({ length: 20 }, (_, i) => ({
    id: `e${i + 1}`,
    event: { type: 'added', payload: 1 },
    at: i,
    position: `v1:${i + 1}`,
  }))
  replica.pull(events)
  replica.evict(10)
  let refolds = 0
  // As the sync client does: the events before the window, folded by today's reducer.
  replica.setEarlier({
    load: async () => 0,
    toggle: async () => undefined,
    refold: async () => {
      refolds++
      let state: State = { n: 0 }
      for (const e of events.slice(0, 10)) state = { n: state.n + 2 * e.event.payload }
      return state
    },
  })
  return { store, reports, make, refolds: () => refolds }
}

describe('hotStore with a history window', () => {
  it('re-folds from the first event when little history is before the window', async () => {
    const { store, reports, make, refolds } = windowed()
    expect(store.history.start).toBe(10)
    make(twice)
    expect(reports[0]).toMatchObject({ kind: 'reducer', baseFromEarlierCode: true })
    await store.hot.refolding
    expect(refolds()).toBe(1)
    expect(store.getState()).toEqual({ n: 40 })
    expect(reports).toHaveLength(2)
    expect(reports[1]).toMatchObject({ kind: 'reducer', baseFromEarlierCode: false })
  })

  it('re-folds only the window past refoldAllUpTo events, and says the base is older code', () => {
    const { store, reports, make, refolds } = windowed(5)
    make(twice)
    expect(store.hot.refolding).toBeUndefined()
    expect(refolds()).toBe(0)
    expect(store.getState()).toEqual({ n: 10 + 20 })
    expect(reports).toEqual([expect.objectContaining({ baseFromEarlierCode: true })])
  })
})
