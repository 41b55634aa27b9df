import { createStore } from '@strata/state'
import { describe, expect, it, vi } from 'vitest'

// The three cases of Redux's own createStore suite that Strata failed.
const counter = () =>
  createStore({
    initialState: 0,
    reducer: (state: number, _event: { type: 'inc' }) => state + 1,
  })

describe("Redux's store contract", () => {
  it('treats a listener subscribed twice as two subscriptions', () => {
    const store = counter()
    const listener = vi.fn()
    const first = store.subscribe(listener)
    store.subscribe(listener)
    store.dispatch({ type: 'inc' })
    expect(listener).toHaveBeenCalledTimes(2)
    first()
    store.dispatch({ type: 'inc' })
    expect(listener).toHaveBeenCalledTimes(3)
    first() // a second call of the same unsubscribe removes nothing more
    store.dispatch({ type: 'inc' })
    expect(listener).toHaveBeenCalledTimes(4)
  })

  it('calls listeners without a `this`, so the listener array does not leak', () => {
    const store = counter()
    const seen: unknown[] = []
    store.subscribe(function (this: unknown) {
      seen.push(this)
    })
    store.logs.subscribe(function (this: unknown) {
      seen.push(this)
    })
    store.dispatch({ type: 'inc' })
    expect(seen).toEqual([undefined, undefined])
  })

  it('says what replaceReducer received when it is not a function', () => {
    const store = counter()
    expect(() => store.replaceReducer(undefined as never)).toThrow(
      '[strata] replaceReducer expects a reducer function, received undefined.',
    )
    expect(() => store.replaceReducer({} as never)).toThrow(/received an empty object\.$/)
  })
})
