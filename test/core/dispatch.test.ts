import { createStore, UnknownCommandError } from '@strata/state'
import { describe, expect, it, vi } from 'vitest'
import { counter, initialTodos, todoCommands, todoReducer, todoStore } from './fixtures'

describe('dispatch without command handlers', () => {
  it('passes a Redux action through as one event, with all its fields', () => {
    const reducer = vi.fn(
      (draft: { todos: string[] }, action: { type: 'ADD_TODO'; text: string }) => {
        draft.todos.push(action.text)
      },
    )
    const store = createStore({ initialState: { todos: [] as string[] }, reducer })
    const action = { type: 'ADD_TODO' as const, text: 'milk' }
    const result = store.dispatch(action)
    expect(reducer.mock.calls[0]![1]).toBe(action)
    expect(store.getState()).toEqual({ todos: ['milk'] })
    expect(result.error).toBeUndefined()
    expect(result.events).toHaveLength(1)
    expect(result.events[0]).toMatchObject({
      type: 'ADD_TODO',
      event: action,
      commandId: result.command.id,
    })
    expect(result.command.eventIds).toEqual([result.events[0]!.id])
    expect(store.logs.commands).toEqual([result.command])
    expect(store.logs.events).toEqual(result.events)
  })

  it('gives every entry a distinct id and keeps the metadata on the entry, not the event', () => {
    const store = createStore({ initialState: { n: 0 }, reducer: counter })
    const event = { type: 'add' as const, payload: 1 }
    store.dispatch(event)
    store.dispatch(event)
    const [a, b] = store.logs.events
    expect(a!.id).not.toBe(b!.id)
    // Without handlers a command is its own event: its entry is made from the event, same id.
    expect(store.logs.commands[0]).toMatchObject({ id: a!.id, command: event, eventIds: [a!.id] })
    expect(Object.keys(event)).toEqual(['type', 'payload'])
    expect(a).toMatchObject({ payload: 1, skipped: false, origin: 'local', position: undefined })
    expect(typeof a!.at).toBe('number')
  })

  it('accepts a reducer that returns a new state instead of mutating', () => {
    const store = createStore({
      initialState: { n: 0 },
      reducer: (state, e: { type: 'set'; payload: number }) => ({ n: state.n + e.payload }),
    })
    store.dispatch({ type: 'set', payload: 5 })
    expect(store.getState()).toEqual({ n: 5 })
  })

  it('with immer: false hands the plain state to a Redux reducer', () => {
    const seen: unknown[] = []
    const store = createStore({
      initialState: { n: 0 },
      immer: false,
      reducer: (state: { n: number }, _e: { type: 'add' }) => {
        seen.push(state)
        return { n: state.n + 1 }
      },
    })
    store.dispatch({ type: 'add' })
    expect(seen[0]).toBe(store.getInitialState())
    expect(Object.isFrozen(store.getState())).toBe(false)
  })
})

describe('dispatch with command handlers', () => {
  it('turns a command into the events its handler returns', () => {
    const store = todoStore()
    store.dispatch({ type: 'add', payload: { text: 'a' } })
    store.dispatch({ type: 'add', payload: { text: 'b' } })
    const [a] = store.getState().todos
    store.dispatch({ type: 'toggle', payload: { id: a!.id } })
    const result = store.dispatch({ type: 'clearDone' })
    expect(result.events.map((e) => e.type)).toEqual(['removed'])
    expect(store.getState().todos.map((t) => t.text)).toEqual(['b'])
    expect(store.logs.events.map((e) => e.type)).toEqual(['added', 'added', 'toggled', 'removed'])
  })

  it('records what ctx returned on the command', () => {
    const store = todoStore()
    const { command, events } = store.dispatch({ type: 'add', payload: { text: 'a' } })
    expect(command.ctx?.uuid).toHaveLength(1)
    expect(events[0]!.payload).toEqual({ id: command.ctx!.uuid![0], text: 'a' })
    expect(command.ctx?.now).toBeUndefined()
  })

  it('records a rejected command with its error and makes no event', () => {
    const store = todoStore()
    const listener = vi.fn()
    store.subscribe(listener)
    const result = store.dispatch({ type: 'add', payload: { text: ' ' } })
    expect(result.error).toBeInstanceOf(Error)
    expect((result.error as Error).message).toBe('A todo needs a text')
    expect(result.events).toEqual([])
    expect(store.logs.commands[0]).toMatchObject({ type: 'add', error: result.error, eventIds: [] })
    expect(store.logs.events).toHaveLength(0)
    expect(store.getState()).toBe(initialTodos)
    expect(listener).toHaveBeenCalledTimes(1)
  })

  it('rejects an unknown command type with an error that names it and the known ones', () => {
    const store = todoStore()
    const result = store.dispatch({ type: 'ad' } as never)
    expect(result.error).toBeInstanceOf(UnknownCommandError)
    expect((result.error as Error).message).toContain('"ad"')
    expect((result.error as Error).message).toContain('"add", "toggle", "clearDone"')
    expect(store.logs.commands).toHaveLength(1)
    expect(store.logs.events).toHaveLength(0)
  })

  it('does not treat inherited keys such as toString as handlers', () => {
    const store = todoStore()
    expect(store.dispatch({ type: 'toString' } as never).error).toBeInstanceOf(UnknownCommandError)
  })

  it('rejects a handler that returns something that is not an event', () => {
    const store = createStore({
      initialState: { n: 0 },
      reducer: counter,
      commands: { bad: () => [{ type: 'add', payload: 1 }, 42] as never },
    })
    const result = store.dispatch({ type: 'bad' })
    expect((result.error as Error).message).toMatch(/handler of command "bad" returned number 42/)
    expect(store.logs.events).toHaveLength(0)
    expect(store.getState()).toEqual({ n: 0 })
  })
})

describe('bad input', () => {
  it.each([
    ['undefined', undefined],
    ['a string', 'add'],
    ['an object without type', { payload: 1 }],
    ['a numeric type', { type: 1 }],
    ['null', null],
  ])('dispatch of %s throws a TypeError and records nothing', (_, input) => {
    const store = todoStore()
    expect(() => store.dispatch(input as never)).toThrow(TypeError)
    expect(() => store.dispatch(input as never)).toThrow(
      /\[strata\] dispatch expects a command: an object with a string `type`, received/,
    )
    expect(store.logs.commands).toHaveLength(0)
  })

  it('createStore without a reducer function throws a TypeError', () => {
    expect(() => createStore({ initialState: {} } as never)).toThrow(TypeError)
    expect(() => createStore({ initialState: {}, reducer: 'r' } as never)).toThrow(
      /`reducer` to be a function .* received the string "r"/,
    )
  })

  it('subscribe with a non-function throws a TypeError', () => {
    expect(() => todoStore().subscribe('x' as never)).toThrow(
      /subscribe expects a listener function/,
    )
  })

  it('replaceReducer with a non-function throws a TypeError and keeps the reducer', () => {
    const store = createStore({ initialState: { n: 0 }, reducer: counter })
    expect(() => store.replaceReducer(null as never)).toThrow(TypeError)
    expect(() => store.hot.replaceReducer({} as never)).toThrow(TypeError)
    store.dispatch({ type: 'add', payload: 2 })
    expect(store.getState()).toEqual({ n: 2 })
  })
})

describe('a reducer that throws', () => {
  it('keeps the event with its error, keeps the state, and the store keeps working', () => {
    const store = createStore({ initialState: initialTodos, reducer: todoReducer })
    store.dispatch({ type: 'added', payload: { id: '1', text: 'a' } })
    const before = store.getState()
    const result = store.dispatch({ type: 'toggled', payload: { id: 'missing' } })
    expect((result.error as Error).message).toBe('no todo missing')
    expect(result.events[0]!.error).toBe(result.error)
    expect(store.getState()).toBe(before)
    expect(store.logs.events).toHaveLength(2)
    expect(store.logs.states.at(2)).toBe(before)
    store.dispatch({ type: 'toggled', payload: { id: '1' } })
    expect(store.getState().todos[0]!.done).toBe(true)
  })

  it('says so on the console in development, once per event type and message', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const store = createStore({ initialState: initialTodos, reducer: todoReducer })
    const { error } = store.dispatch({ type: 'toggled', payload: { id: 'nowhere' } })
    expect(log).toHaveBeenCalledTimes(1)
    expect(log).toHaveBeenCalledWith(
      '[strata] The reducer threw on event "toggled": the event keeps the error, the state is unchanged.',
      error,
    )
    // Folding it again (a hot reload, an un-skip) or the same bug again says nothing new.
    store.hot.replaceReducer(todoReducer)
    store.history.toggle(store.logs.events[0]!.id)
    store.history.toggle(store.logs.events[0]!.id)
    store.dispatch({ type: 'toggled', payload: { id: 'nowhere' } })
    expect(log).toHaveBeenCalledTimes(1)
    store.dispatch({ type: 'toggled', payload: { id: 'elsewhere' } })
    expect(log).toHaveBeenCalledTimes(2)
    log.mockRestore()
  })

  it('stays quiet in production', () => {
    vi.stubEnv('NODE_ENV', 'production')
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const store = createStore({ initialState: initialTodos, reducer: todoReducer })
    expect(store.dispatch({ type: 'toggled', payload: { id: 'prod' } }).error).toBeDefined()
    expect(log).not.toHaveBeenCalled()
    log.mockRestore()
    vi.unstubAllEnvs()
  })
})

describe("Redux's store contract", () => {
  it('forbids dispatch, getState and subscribe inside the reducer', () => {
    const errors: unknown[] = []
    const store = createStore({
      initialState: { n: 0 },
      reducer: (draft: { n: number }, e: { type: 'dispatch' | 'read' | 'subscribe' }) => {
        try {
          if (e.type === 'dispatch') store.dispatch({ type: 'read' })
          if (e.type === 'read') store.getState()
          if (e.type === 'subscribe') store.subscribe(() => {})
        } catch (error) {
          errors.push(error)
          throw error
        }
        draft.n++
      },
    })
    for (const type of ['dispatch', 'read', 'subscribe'] as const) store.dispatch({ type })
    expect(errors).toHaveLength(3)
    for (const e of errors)
      expect((e as Error).message).toMatch(/^\[strata\] You may not .* while the reducer runs/)
    expect(store.logs.events).toHaveLength(3)
    expect(store.getState()).toEqual({ n: 0 })
  })

  it('forbids dispatch inside a command handler', () => {
    const store = createStore({
      initialState: { n: 0 },
      reducer: counter,
      commands: { nested: () => void store.dispatch({ type: 'nested' }) },
    })
    const result = store.dispatch({ type: 'nested' })
    expect((result.error as Error).message).toMatch(/while a command handler runs/)
    expect(store.logs.commands).toHaveLength(1)
  })

  it('tells listeners (state, prevState) after every dispatch', () => {
    const store = createStore({ initialState: { n: 0 }, reducer: counter })
    const calls: [unknown, unknown][] = []
    store.subscribe((state, prev) => calls.push([state, prev]))
    store.dispatch({ type: 'add', payload: 1 })
    store.dispatch({ type: 'add', payload: 2 })
    expect(calls).toEqual([
      [{ n: 1 }, { n: 0 }],
      [{ n: 3 }, { n: 1 }],
    ])
  })

  it('snapshots listeners at dispatch time', () => {
    const store = createStore({ initialState: { n: 0 }, reducer: counter })
    const order: string[] = []
    let unsubscribeB = () => {}
    store.subscribe(() => {
      order.push('a')
      unsubscribeB()
      store.subscribe(() => order.push('c'))
    })
    unsubscribeB = store.subscribe(() => order.push('b'))
    store.dispatch({ type: 'add', payload: 1 })
    expect(order).toEqual(['a', 'b'])
    order.length = 0
    store.dispatch({ type: 'add', payload: 1 })
    expect(order).toEqual(['a', 'c'])
  })

  it('supports nested dispatch from a listener', () => {
    const store = createStore({ initialState: { n: 0 }, reducer: counter })
    const seen: number[] = []
    store.subscribe((state) => {
      seen.push(state.n)
      if (state.n === 1) store.dispatch({ type: 'add', payload: 10 })
    })
    store.dispatch({ type: 'add', payload: 1 })
    expect(store.getState()).toEqual({ n: 11 })
    expect(seen).toEqual([1, 11])
  })

  it('an unsubscribe called twice is harmless', () => {
    const store = createStore({ initialState: { n: 0 }, reducer: counter })
    const a = vi.fn()
    const b = vi.fn()
    const unsubscribe = store.subscribe(a)
    store.subscribe(b)
    unsubscribe()
    unsubscribe()
    store.dispatch({ type: 'add', payload: 1 })
    expect(a).not.toHaveBeenCalled()
    expect(b).toHaveBeenCalledTimes(1)
  })

  it('getInitialState returns the initial state whatever happened since', () => {
    const store = createStore({
      initialState: initialTodos,
      reducer: todoReducer,
      commands: todoCommands,
    })
    store.dispatch({ type: 'add', payload: { text: 'x' } })
    expect(store.getInitialState()).toBe(initialTodos)
  })
})
