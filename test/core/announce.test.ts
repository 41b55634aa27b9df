import { createStore } from '@strata/state'
import { describe, expect, it } from 'vitest'

const makeStore = () =>
  createStore({
    initialState: 0,
    reducer: (state: number, event: { type: 'add'; payload: number }) => state + event.payload,
  })

describe('one change path', () => {
  it('bumps logs.version before any listener hears the change', () => {
    const store = makeStore()
    const seen: string[] = []
    store.subscribe(() => seen.push(`state at version ${store.logs.version}`))
    store.logs.subscribe(() => seen.push(`logs at version ${store.logs.version}`))
    store.dispatch({ type: 'add', payload: 1 })
    expect(seen).toEqual(['logs at version 1', 'state at version 1'])
  })

  it('a state listener that throws keeps log listeners and later listeners hearing it', () => {
    const store = makeStore()
    let logs = 0
    let later = 0
    store.subscribe(() => {
      throw new Error('listener bug')
    })
    store.subscribe(() => later++)
    store.logs.subscribe(() => logs++)
    expect(() => store.dispatch({ type: 'add', payload: 1 })).toThrow('listener bug')
    expect([store.logs.version, logs, later]).toEqual([1, 1, 1])
    // The event was recorded: the error is the listener's, not the dispatch's.
    expect(store.getState()).toBe(1)
    expect(store.logs.events).toHaveLength(1)
  })

  it('a log listener that throws keeps state listeners hearing it', () => {
    const store = makeStore()
    let states = 0
    store.logs.subscribe(() => {
      throw new Error('devtools bug')
    })
    store.subscribe(() => states++)
    expect(() => store.dispatch({ type: 'add', payload: 1 })).toThrow('devtools bug')
    expect(states).toBe(1)
  })

  it('several throwing listeners are reported together', () => {
    const store = makeStore()
    store.subscribe(() => {
      throw new Error('a')
    })
    store.logs.subscribe(() => {
      throw new Error('b')
    })
    let caught: unknown
    try {
      store.dispatch({ type: 'add', payload: 1 })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(AggregateError)
    expect((caught as AggregateError).errors.map((e: Error) => e.message)).toEqual(['b', 'a'])
  })

  it('a jump is heard by state listeners only, and keeps the version', () => {
    const store = makeStore()
    store.dispatch({ type: 'add', payload: 1 })
    let logs = 0
    let states = 0
    store.logs.subscribe(() => logs++)
    store.subscribe(() => states++)
    const version = store.logs.version
    store.history.jumpTo(0)
    expect([logs, states, store.logs.version]).toEqual([0, 1, version])
  })

  it('a change of the logs that keeps the viewed state is heard by log listeners only', () => {
    const store = makeStore()
    store.dispatch({ type: 'add', payload: 1 })
    store.history.jumpTo(0)
    let logs = 0
    let states = 0
    store.logs.subscribe(() => logs++)
    store.subscribe(() => states++)
    store.history.lock()
    expect([logs, states]).toEqual([1, 0])
  })
})
