import { createStore } from '@strata/state'
import { describe, expect, it } from 'vitest'
import { counter, initialTodos, todoCommands, todoReducer } from './fixtures'

describe('hot.replaceReducer', () => {
  it('keeps commands and events and recomputes every state', () => {
    const store = createStore({ initialState: { n: 0 }, reducer: counter })
    for (const payload of [1, 2, 3]) store.dispatch({ type: 'add', payload })
    const events = store.logs.events
    const report = store.hot.replaceReducer((d, e) => {
      d.n += e.payload * 10
    })
    expect(store.logs.events).toEqual(events)
    expect(store.getState()).toEqual({ n: 60 })
    expect(store.logs.states.at(1)).toEqual({ n: 10 })
    expect(report).toMatchObject({ kind: 'reducer', changed: true, firstChangedIndex: 0 })
    expect(report.firstChangedEventId).toBe(events[0]!.id)
    expect(store.hot.reports).toEqual([report])
  })

  it('names the first event whose state differs, deep inside a long history', () => {
    const store = createStore({
      initialState: { n: 0 },
      reducer: counter,
      history: { checkpointEveryMs: 0.001 },
    })
    for (let i = 0; i < 500; i++) store.dispatch({ type: 'add', payload: i === 321 ? -1 : 1 })
    const report = store.hot.replaceReducer((d, e) => {
      d.n += Math.abs(e.payload)
    })
    expect(report.firstChangedIndex).toBe(321)
    expect(report.firstChangedEventType).toBe('add')
    expect(store.getState()).toEqual({ n: 500 })
  })

  it('reports no change for an equivalent reducer', () => {
    const store = createStore({ initialState: { n: 0 }, reducer: counter })
    store.dispatch({ type: 'add', payload: 1 })
    const report = store.hot.replaceReducer((d, e) => {
      d.n = d.n + e.payload
    })
    expect(report).toMatchObject({ changed: false, firstChangedIndex: undefined })
  })

  it('records errors of the new reducer and clears those it no longer throws', () => {
    const store = createStore({ initialState: initialTodos, reducer: todoReducer })
    store.dispatch({ type: 'toggled', payload: { id: 'x' } })
    expect(store.logs.events[0]!.error).toBeInstanceOf(Error)
    store.hot.replaceReducer(() => {})
    expect(store.logs.events[0]!.error).toBeUndefined()
  })

  it('keeps the viewed index when viewing the past', () => {
    const store = createStore({ initialState: { n: 0 }, reducer: counter })
    for (const payload of [1, 2, 3]) store.dispatch({ type: 'add', payload })
    store.history.jumpTo(2)
    store.hot.replaceReducer((d, e) => {
      d.n -= e.payload
    })
    expect(store.history.cursor).toBe(2)
    expect(store.getState()).toEqual({ n: -3 })
  })
})

describe('hot.replaceCommands', () => {
  function recorded() {
    const store = createStore({
      initialState: initialTodos,
      reducer: todoReducer,
      commands: todoCommands,
    })
    store.dispatch({ type: 'add', payload: { text: 'a' } })
    store.dispatch({ type: 'add', payload: { text: '' } })
    store.dispatch({ type: 'add', payload: { text: 'b' } })
    store.dispatch({ type: 'toggle', payload: { id: store.getState().todos[0]!.id } })
    return store
  }

  it('with unchanged handlers reproduces the event log exactly (ids and ctx values included)', () => {
    const store = recorded()
    const events = JSON.stringify(store.logs.events)
    const commands = JSON.stringify(store.logs.commands)
    const report = store.hot.replaceCommands({ ...todoCommands })
    expect(JSON.stringify(store.logs.events)).toBe(events)
    expect(JSON.stringify(store.logs.commands)).toBe(commands)
    expect(report).toMatchObject({ kind: 'commands', changed: false, eventsChanged: 0 })
  })

  it('re-runs commands with their recorded ctx values through the new handlers', () => {
    const store = recorded()
    const ids = store.getState().todos.map((t) => t.id)
    const report = store.hot.replaceCommands({
      ...todoCommands,
      add: (_s, payload: { text: string }, ctx) => ({
        type: 'added' as const,
        payload: { id: ctx.uuid(), text: payload.text.toUpperCase() || '(empty)' },
      }),
    })
    expect(store.getState().todos.map((t) => t.text)).toEqual(['A', '(empty)', 'B'])
    expect(store.getState().todos[0]!.id).toBe(ids[0])
    expect(store.getState().todos[2]!.id).toBe(ids[1])
    expect(store.logs.commands[1]!.error).toBeUndefined()
    expect(store.logs.events.map((e) => e.type)).toEqual(['added', 'added', 'added', 'toggled'])
    expect(store.logs.events[3]!.commandId).toBe(store.logs.commands[3]!.id)
    expect(report).toMatchObject({ changed: true, firstChangedIndex: 0, eventsChanged: 3 })
  })

  it('a handler that now rejects removes its events and records the error', () => {
    const store = recorded()
    store.hot.replaceCommands({
      ...todoCommands,
      toggle: () => {
        throw new Error('toggling is off')
      },
    })
    expect(store.logs.events.map((e) => e.type)).toEqual(['added', 'added'])
    expect((store.logs.commands[3]!.error as Error).message).toBe('toggling is off')
    expect(store.getState().todos.every((t) => !t.done)).toBe(true)
  })

  it('keeps the events a server confirmed', () => {
    const store = recorded()
    const first = store.logs.events[0] as { position: string | undefined }
    first.position = 'v1:1'
    store.hot.replaceCommands({
      ...todoCommands,
      add: (_s, p: { text: string }, ctx) => ({
        type: 'added' as const,
        payload: { id: ctx.uuid(), text: `${p.text}!` },
      }),
    })
    expect(store.getState().todos.map((t) => t.text)).toEqual(['a', '!', 'b!'])
  })

  it('uses the new handlers for later dispatches', () => {
    const store = recorded()
    store.hot.replaceCommands({ ...todoCommands, add: () => [] })
    store.dispatch({ type: 'add', payload: { text: 'c' } })
    expect(store.getState().todos).toHaveLength(0)
  })

  it('rejects a non-object', () => {
    expect(() => recorded().hot.replaceCommands(null as never)).toThrow(TypeError)
  })
})
