import { createStore } from '@strata/state'
import { describe, expect, it } from 'vitest'
import { internalsOf } from '../../src/core/internals'
import { counter } from './fixtures'

describe('checkpoints across hot reloads', () => {
  it('do not accumulate: the old log’s checkpoints are kept only for the comparison', () => {
    const store = createStore({
      initialState: { n: 0 },
      reducer: counter,
      history: { checkpointEveryMs: 0.01 },
    })
    for (let i = 0; i < 2000; i++) store.dispatch({ type: 'add', payload: 1 })
    const log = () => internalsOf<{ n: number }>(store).log
    const before = log().checkpointIndexes().length
    for (let i = 0; i < 5; i++) {
      store.hot.replaceReducer((d, e) => {
        d.n += e.payload
      })
    }
    // Placed by measured time, so not exactly equal; without dropping they reached ~2x.
    expect(log().checkpointIndexes().length).toBeLessThan(before * 1.5)
    for (const i of [0, 1, 999, 1500, 2000]) expect(store.logs.states.at(i)).toEqual({ n: i })
  })
})

describe('ids', () => {
  it('are distinct, short and stable in shape', () => {
    const store = createStore({ initialState: { n: 0 }, reducer: counter })
    for (let i = 0; i < 5000; i++) store.dispatch({ type: 'add', payload: 1 })
    const ids = store.logs.events.map((e) => e.id)
    expect(new Set(ids).size).toBe(5000)
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{6,11}$/)
  })
})
