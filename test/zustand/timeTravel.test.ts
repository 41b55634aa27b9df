import { timeTravel } from '@strata/state/zustand'
import { describe, expect, it, vi } from 'vitest'
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla'

interface Counter {
  count: number
  label?: string
  inc: (by?: number) => void
  rename: (label: string) => void
}

function makeCounter() {
  return createStore<Counter>()(
    timeTravel((set) => ({
      count: 0,
      inc: (by = 1) => set((s) => ({ count: s.count + by }), false, 'inc'),
      rename: (label) => set({ label }),
    })),
  )
}

describe('timeTravel middleware', () => {
  it('records each set as an event named by `name`, with function partials resolved', () => {
    const api = makeCounter()
    api.getState().inc(2)
    api.getState().rename('x')
    api.setState({ count: 10 }, false, { type: 'reset', reason: 'test' })
    const events = api.strata.logs.events
    expect(events.map((e) => e.type)).toEqual(['inc', 'set', 'reset'])
    expect(events.map((e) => e.payload)).toEqual([{ count: 2 }, { label: 'x' }, { count: 10 }])
    expect(events[0]!.event).toEqual({ type: 'inc', payload: { count: 2 }, replace: false })
    expect(api.getState()).toMatchObject({ count: 10, label: 'x' })
    expect(api.strata.getState()).toBe(api.getState())
  })

  it('uses options.name for unnamed sets', () => {
    const api = createStore(timeTravel(() => ({ n: 0 }), { name: 'anonymous' }))
    api.setState({ n: 1 })
    expect(api.strata.logs.events[0]!.type).toBe('anonymous')
  })

  it('jumpTo moves the zustand state and tells its subscribers; toLive comes back', () => {
    const api = makeCounter()
    for (const by of [1, 2, 3]) api.getState().inc(by)
    const listener = vi.fn()
    api.subscribe(listener)
    api.strata.history.jumpTo(1)
    expect(api.getState().count).toBe(1)
    expect(listener).toHaveBeenLastCalledWith(
      expect.objectContaining({ count: 1 }),
      expect.objectContaining({ count: 6 }),
    )
    // Actions survive time travel: they are part of every recorded state.
    expect(typeof api.getState().inc).toBe('function')
    api.strata.history.toLive()
    expect(api.getState().count).toBe(6)
    expect(api.strata.history.length).toBe(3)
  })

  it('resolves a function partial against the head while viewing the past', () => {
    const api = makeCounter()
    api.getState().inc(5)
    api.getState().inc(5)
    api.strata.history.jumpTo(0)
    api.getState().inc(1)
    // Recorded at the head; the view stays where it was.
    expect(api.getState().count).toBe(0)
    expect(api.strata.logs.events[2]!.payload).toEqual({ count: 11 })
    api.strata.history.toLive()
    expect(api.getState().count).toBe(11)
  })

  it('honours replace: the state is swapped, not merged, now and on replay', () => {
    const api = createStore<{ a?: number; b?: number }>()(timeTravel(() => ({ a: 1 })))
    api.setState({ b: 2 }, true, 'swap')
    expect(api.getState()).toEqual({ b: 2 })
    api.setState({ a: 3 })
    expect(api.getState()).toEqual({ a: 3, b: 2 })
    api.strata.history.jumpTo(1)
    expect(api.getState()).toEqual({ b: 2 })
    expect(api.strata.logs.events[0]!.event).toMatchObject({ type: 'swap', replace: true })
  })

  it('records nothing for a set that returns the same state, as zustand notifies nobody', () => {
    const api = makeCounter()
    api.setState((s) => s)
    expect(api.strata.logs.events).toHaveLength(0)
  })

  it('toggle skips a recorded set and recomputes the zustand state', () => {
    const api = makeCounter()
    api.getState().inc(1)
    api.getState().inc(10)
    api.strata.history.toggle(api.strata.logs.events[0]!.id)
    // inc(10) was resolved to { count: 11 } at set time, so replay without inc(1) keeps 11.
    expect(api.getState().count).toBe(11)
    api.strata.history.toggle(api.strata.logs.events[1]!.id)
    expect(api.getState().count).toBe(0)
  })

  it('records a write that bypassed the middleware, so the logs never fall behind', () => {
    type N = { n: number }
    let rawSet: StoreApi<N>['setState'] | undefined
    // An outer middleware that keeps zustand's own set, as persist does for its hydration.
    const keepRawSet =
      (inner: StateCreator<N, [], [['strata/timeTravel', never]]>): typeof inner =>
      (set, get, store) => {
        rawSet = set
        return inner(set, get, store)
      }
    const api = createStore<N>()(keepRawSet(timeTravel(() => ({ n: 0 }))))
    rawSet!({ n: 7 })
    expect(api.strata.logs.events.map((e) => e.type)).toEqual(['external'])
    expect(api.strata.getState()).toEqual({ n: 7 })
    api.strata.history.jumpTo(0)
    expect(api.getState()).toEqual({ n: 0 })
  })
})
