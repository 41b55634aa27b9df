import { createStore } from '@strata/state'
import { describe, expectTypeOf, it } from 'vitest'

describe('history types', () => {
  const store = createStore({
    initialState: { n: 0 },
    reducer: (d: { n: number }, e: { type: 'add'; payload: number }) => {
      d.n += e.payload
    },
  })

  it('toggle answers at once; toggleEarlier, which may page earlier history in, a promise', () => {
    expectTypeOf(store.history.toggle).parameters.toEqualTypeOf<[eventId: string]>()
    expectTypeOf(store.history.toggle).returns.toEqualTypeOf<boolean>()
    expectTypeOf(store.history.toggleEarlier).parameters.toEqualTypeOf<[eventId: string]>()
    expectTypeOf(store.history.toggleEarlier).returns.toEqualTypeOf<Promise<boolean>>()
    expectTypeOf(store.history.loadEarlier).returns.toEqualTypeOf<Promise<number>>()
  })
})
