import type { Store } from '@strata/state'
import { type SetEvent, timeTravel } from '@strata/state/zustand'
import { describe, expectTypeOf, it } from 'vitest'
import { create } from 'zustand'
import { devtools, persist, subscribeWithSelector } from 'zustand/middleware'
import { createStore } from 'zustand/vanilla'

interface Counter {
  count: number
  inc: () => void
}

describe('timeTravel types', () => {
  it('adds a name to set and exposes the typed Strata store', () => {
    const useCounter = create<Counter>()(
      timeTravel((set, get) => {
        expectTypeOf(get().count).toEqualTypeOf<number>()
        return { count: 0, inc: () => set((s) => ({ count: s.count + 1 }), false, 'inc') }
      }),
    )
    expectTypeOf(useCounter.strata).toEqualTypeOf<
      Store<Counter, SetEvent<Counter>, SetEvent<Counter>>
    >()
    expectTypeOf(useCounter.strata.getState().count).toEqualTypeOf<number>()
    useCounter.setState({ count: 1 }, false, 'reset')
    useCounter.setState({ count: 1 }, false, { type: 'reset', by: 'test' })
    // @ts-expect-error: replace needs the whole state
    useCounter.setState({ count: 1 }, true, 'reset')
    // @ts-expect-error: names are strings or { type }
    useCounter.setState({ count: 1 }, false, 42)
  })

  it("works with zustand/vanilla's createStore (curried, as zustand's middlewares need)", () => {
    const api = createStore<{ n: number }>()(timeTravel(() => ({ n: 0 })))
    expectTypeOf(api.strata.getState()).toEqualTypeOf<{ n: number }>()
    expectTypeOf(api.strata.logs.events[0]!.event.payload).toEqualTypeOf<
      { n: number } | Partial<{ n: number }>
    >()
  })

  it('composes with devtools, persist and subscribeWithSelector, either way round', () => {
    const outer = create<Counter>()(
      devtools(
        persist(
          timeTravel((set) => ({ count: 0, inc: () => set({ count: 1 }, false, 'inc') })),
          { name: 'c' },
        ),
      ),
    )
    expectTypeOf(outer.strata.history.jumpTo).toBeFunction()
    expectTypeOf(outer.persist.rehydrate).toBeFunction()
    expectTypeOf(outer.devtools.cleanup).toBeFunction()

    const inner = create<Counter>()(
      timeTravel(
        subscribeWithSelector(
          devtools((set) => ({ count: 0, inc: () => set({ count: 1 }, false, 'inc') })),
        ),
      ),
    )
    expectTypeOf(inner.strata.getState()).toEqualTypeOf<Counter>()
    inner.subscribe(
      (s) => s.count,
      (count) => expectTypeOf(count).toEqualTypeOf<number>(),
    )
    inner.setState({ count: 2 }, false, 'set2')
  })
})
