import { createStore } from '@strata/state'
import { replicaOf } from '@strata/state/sync'
import { describe, expect, it, vi } from 'vitest'
import { counter, initialTodos, todoCommands, todoReducer } from './fixtures'

function counterStore(n = 3) {
  const store = createStore({ initialState: { n: 0 }, reducer: counter })
  for (let i = 1; i <= n; i++) store.dispatch({ type: 'add', payload: i })
  return store
}

describe('logs.subscribe and logs.version', () => {
  it('tells log listeners about changes that keep the viewed state', () => {
    const store = counterStore()
    store.history.jumpTo(1)
    const onState = vi.fn()
    const onLogs = vi.fn()
    store.subscribe(onState)
    store.logs.subscribe(onLogs)
    const version = store.logs.version
    store.history.toggle(store.logs.events[2]!.id) // after the cursor: the view is unchanged
    expect(onState).not.toHaveBeenCalled()
    expect(onLogs).toHaveBeenCalledTimes(1)
    replicaOf(store).confirm(store.logs.events[0]!.id, 'v1:1')
    expect(onLogs).toHaveBeenCalledTimes(2)
    store.dispatch({ type: 'add', payload: 1 })
    expect(onLogs).toHaveBeenCalledTimes(3)
    expect(store.logs.version).toBe(version + 3)
  })

  it('does not count a jump as a change of the logs', () => {
    const store = counterStore()
    const onLogs = vi.fn()
    store.logs.subscribe(onLogs)
    store.history.jumpTo(0)
    expect(onLogs).not.toHaveBeenCalled()
  })

  it('unsubscribes, and refuses a non-function', () => {
    const store = counterStore()
    const onLogs = vi.fn()
    const off = store.logs.subscribe(onLogs)
    off()
    off()
    store.dispatch({ type: 'add', payload: 1 })
    expect(onLogs).not.toHaveBeenCalled()
    expect(() => store.logs.subscribe(1 as never)).toThrow(TypeError)
  })
})

describe('history.load', () => {
  it('replaces the logs with exported entries and recomputes the states', () => {
    const source = createStore({
      initialState: initialTodos,
      reducer: todoReducer,
      commands: todoCommands,
    })
    source.dispatch({ type: 'add', payload: { text: 'a' } })
    source.dispatch({ type: 'add', payload: { text: 'b' } })
    source.history.toggle(source.logs.events[0]!.id)
    const target = createStore({
      initialState: initialTodos,
      reducer: todoReducer,
      commands: todoCommands,
    })
    target.dispatch({ type: 'add', payload: { text: 'zzz' } })
    target.history.jumpTo(0)
    target.history.load({ events: source.logs.events, commands: source.logs.commands })
    expect(target.history.isLive).toBe(true)
    expect(target.getState()).toEqual(source.getState())
    expect(target.logs.events.map((e) => [e.id, e.skipped])).toEqual(
      source.logs.events.map((e) => [e.id, e.skipped]),
    )
    expect(target.logs.commands.map((c) => c.id)).toEqual(source.logs.commands.map((c) => c.id))
    // The loaded commands re-run like recorded ones.
    expect(target.hot.replaceCommands({ ...todoCommands }).changed).toBe(false)
  })

  it('takes a new initial state', () => {
    const store = counterStore()
    store.history.load({
      initialState: { n: 100 },
      events: [{ event: { type: 'add', payload: 1 } }],
    })
    expect(store.getState()).toEqual({ n: 101 })
    expect(store.logs.states.at(0)).toEqual({ n: 100 })
  })

  it('rejects bad data with the path and keeps the logs', () => {
    const store = counterStore()
    expect(() =>
      store.history.load({
        events: [{ event: { type: 'add', payload: 1 } }, { event: 5 }],
      } as never),
    ).toThrow(
      /history.load expects events\[1\]\.event to be an object with a string `type`, received number 5/,
    )
    expect(() => store.history.load(null as never)).toThrow(TypeError)
    expect(store.getState()).toEqual({ n: 6 })
  })
})

describe('history.lock', () => {
  it('records nothing while locked and says why', () => {
    const store = counterStore()
    const listener = vi.fn()
    store.subscribe(listener)
    store.history.lock()
    expect(store.history.locked).toBe(true)
    const result = store.dispatch({ type: 'add', payload: 10 })
    expect((result.error as Error).message).toMatch(/locked/)
    expect(store.logs.events).toHaveLength(3)
    expect(listener).not.toHaveBeenCalled()
    store.history.lock(false)
    store.dispatch({ type: 'add', payload: 10 })
    expect(store.getState()).toEqual({ n: 16 })
  })
})

describe('history.load edge cases', () => {
  it('keeps history.limit', () => {
    const store = createStore({ initialState: { n: 0 }, reducer: counter, history: { limit: 2 } })
    const add = (payload: number) => ({ event: { type: 'add', payload } })
    store.history.load({ events: [add(1), add(2), add(3), add(4)] })
    expect(store.history.length).toBe(2)
    expect(store.logs.states.at(0)).toEqual({ n: 3 })
    expect(store.getState()).toEqual({ n: 10 })
  })

  it('checks the commands too', () => {
    const store = counterStore()
    expect(() =>
      store.history.load({ events: [], commands: [{ id: 'c', command: 5 }] } as never),
    ).toThrow(/commands\[0\]\.command to be an object with a string `type`/)
  })

  it('may not be called from a reducer', () => {
    let error: unknown
    const store = createStore({
      initialState: 0,
      reducer: (s: number, _e: { type: 'go' }) => {
        try {
          store.history.load({ events: [] })
        } catch (e) {
          error = e
        }
        return s + 1
      },
      immer: false,
    })
    store.dispatch({ type: 'go' })
    expect((error as Error).message).toMatch(/may not load the history while the reducer runs/)
  })
})
