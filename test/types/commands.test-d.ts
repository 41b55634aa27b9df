import { type CommandMap, createStore } from '@strata/state'
import { describe, expectTypeOf, it } from 'vitest'

type Ev = { type: 'added'; payload: { text: string } } | { type: 'cleared' }
type State = { items: string[] }
const initialState: State = { items: [] }
const reducer = (draft: State, event: Ev) => {
  if (event.type === 'added') draft.items.push(event.payload.text)
  else draft.items = []
}

describe('command handlers return the reducer’s events', () => {
  it('accepts handlers that return events of the union, one or several', () => {
    const store = createStore({
      initialState,
      reducer,
      commands: {
        add: (_state, text: string) => ({ type: 'added', payload: { text } }),
        addTwo: (_state, text: string) => [
          { type: 'added', payload: { text } },
          { type: 'added', payload: { text } },
        ],
        clear: (_state) => ({ type: 'cleared' }),
        nothing: (_state) => undefined,
      },
    })
    expectTypeOf(store.dispatch)
      .parameter(0)
      .toEqualTypeOf<
        | { type: 'add'; payload: string }
        | { type: 'addTwo'; payload: string }
        | { type: 'clear'; payload?: unknown }
        | { type: 'nothing'; payload?: unknown }
      >()
  })

  it('rejects a misspelled event type, inline', () => {
    // @ts-expect-error: 'claered' is not an event of the reducer
    createStore({
      initialState,
      reducer,
      commands: {
        clear: (_state) => ({ type: 'claered' }),
      },
    })
  })

  it('rejects a wrong payload, inline', () => {
    // @ts-expect-error: `text` must be a string
    createStore({
      initialState,
      reducer,
      commands: {
        add: (_state, text: number) => ({ type: 'added', payload: { text } }),
      },
    })
  })

  it('rejects both mistakes with `satisfies CommandMap<State, Event>`', () => {
    const commands = {
      // @ts-expect-error: 'claered' is not an event of the reducer
      clear: () => ({ type: 'claered' }),
      // @ts-expect-error: `text` must be a string
      add: (_state: State, text: number) => ({ type: 'added', payload: { text } }),
      ok: () => ({ type: 'cleared' }),
    } satisfies CommandMap<State, Ev>
    expectTypeOf(commands.ok).returns.toEqualTypeOf<{ type: 'cleared' }>()
  })

  it('rejects a handler map written apart, where it is given to the store', () => {
    const misspelled = { clear: () => ({ type: 'claered' as const }) }
    const wrongPayload = {
      add: (_state: State, text: number) => ({ type: 'added' as const, payload: { text } }),
    }
    // @ts-expect-error: 'claered' is not an event of the reducer
    createStore({ initialState, reducer, commands: misspelled })
    // @ts-expect-error: `text` must be a string
    createStore({ initialState, reducer, commands: wrongPayload })
  })

  it('checks hot-replaced handlers against the same events', () => {
    const store = createStore({
      initialState,
      reducer,
      commands: { clear: (_state) => ({ type: 'cleared' }) },
    })
    store.hot.replaceCommands({ clear: (_state) => ({ type: 'cleared' }) })
    // @ts-expect-error: 'claered' is not an event of the reducer
    store.hot.replaceCommands({ clear: (_state) => ({ type: 'claered' }) })
  })
})
