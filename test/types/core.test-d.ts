import { createStore, type EventEntry } from '@strata/state'
import { describe, expectTypeOf, it } from 'vitest'

type Ev = { type: 'added'; payload: { text: string } } | { type: 'cleared' }

describe('createStore types', () => {
  it('infers the state from initialState and the events from the reducer', () => {
    const store = createStore({
      initialState: { items: [] as string[] },
      reducer: (draft, event: Ev) => {
        expectTypeOf(draft.items).toEqualTypeOf<string[]>()
        if (event.type === 'added') draft.items.push(event.payload.text)
      },
    })
    expectTypeOf(store.getState()).toEqualTypeOf<{ items: string[] }>()
    store.dispatch({ type: 'added', payload: { text: 'x' } })
    store.dispatch({ type: 'cleared' })
    // @ts-expect-error: not an event of this store
    store.dispatch({ type: 'other' })
    // @ts-expect-error: wrong payload
    store.dispatch({ type: 'added', payload: { text: 1 } })
  })

  it('infers commands and their payloads from the handlers', () => {
    const store = createStore({
      initialState: { items: [] as string[] },
      reducer: (draft, event: Ev) => {
        if (event.type === 'added') draft.items.push(event.payload.text)
      },
      commands: {
        add: (state, payload: { text: string }, ctx) => {
          expectTypeOf(state.items).toEqualTypeOf<string[]>()
          expectTypeOf(ctx.uuid()).toBeString()
          return { type: 'added', payload }
        },
        // A handler without parameters is typed before the events are known: `as const` keeps
        // its literal type (one with a parameter is typed in context and needs none).
        clear: () => ({ type: 'cleared' as const }),
      },
    })
    store.dispatch({ type: 'add', payload: { text: 'x' } })
    store.dispatch({ type: 'clear' })
    // @ts-expect-error: events are not commands when handlers are configured
    store.dispatch({ type: 'added', payload: { text: 'x' } })
    // @ts-expect-error: payload required
    store.dispatch({ type: 'add' })
  })

  it('types log entries as a union narrowed by type', () => {
    const store = createStore({
      initialState: 0,
      reducer: (s, e: Ev) => (e.type === 'cleared' ? 0 : s + 1),
    })
    const entry = store.logs.events[0]!
    expectTypeOf(entry).toEqualTypeOf<EventEntry<Ev>>()
    if (entry.type === 'added') expectTypeOf(entry.payload).toEqualTypeOf<{ text: string }>()
    expectTypeOf(store.dispatch({ type: 'cleared' }).events).toEqualTypeOf<
      readonly EventEntry<Ev>[]
    >()
  })

  it('rejects handlers that return something other than events', () => {
    // @ts-expect-error: a number is not an event
    createStore({
      initialState: 0,
      reducer: (s, _e: Ev) => s,
      commands: { bad: () => 42 },
    })
  })

  it('types inverses by the command they undo, returning a command of the store', () => {
    const store = createStore({
      initialState: { items: [] as string[] },
      reducer: (draft, event: Ev) => {
        if (event.type === 'added') draft.items.push(event.payload.text)
        else draft.items = []
      },
      commands: {
        add: (_state, payload: { text: string }) => ({ type: 'added', payload }),
        clear: () => ({ type: 'cleared' as const }),
        restore: (_state, _items: string[]) => [],
      },
      inverses: {
        add: (before, payload, events) => {
          expectTypeOf(before.items).toEqualTypeOf<string[]>()
          expectTypeOf(payload).toEqualTypeOf<{ text: string }>()
          expectTypeOf(events).toEqualTypeOf<readonly EventEntry[]>()
          return { type: 'clear' }
        },
        clear: (before) => ({ type: 'restore', payload: before.items }),
      },
    })
    expectTypeOf(store.undo()).toEqualTypeOf<ReturnType<typeof store.dispatch> | undefined>()
    expectTypeOf(store.canRedo).toBeBoolean()
    const base = { initialState: {}, reducer: () => {}, commands: { a: () => [] } }
    // @ts-expect-error: an inverse returns a command of the store
    createStore({ ...base, inverses: { a: () => ({ type: 'other' }) } })
    // @ts-expect-error: no such command
    createStore({ ...base, inverses: { b: () => undefined } })
  })
})
