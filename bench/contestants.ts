/** The three ways to record board events that the benchmarks compare. */
import { instrument } from '@redux-devtools/instrument'
import { createStore, type HistoryOptions, type Store } from '@strata/state'
import { produce } from 'immer'
import { legacy_createStore, type Reducer as ReduxReducer } from 'redux'
import { type Board, type BoardEvent, immerReducer, spreadReducer } from './board'

export type Kind = 'spread' | 'immer'
export type StrataStore = Store<Board, BoardEvent, BoardEvent>

/** `(state, event) => next` for a kind; the immer one runs one `produce` per event. */
export function pureReducer(kind: Kind): (state: Board, event: BoardEvent) => Board {
  if (kind === 'spread') return spreadReducer
  return (state, event) => produce(state, (draft) => immerReducer(draft, event))
}

/** The floor: a bare `state = reducer(state, event)` loop. */
export function fold(kind: Kind, state: Board, events: readonly BoardEvent[]): Board {
  const reducer = pureReducer(kind)
  for (let i = 0; i < events.length; i++) state = reducer(state, events[i]!)
  return state
}

/** Strata with unlimited history: `immer: false` for the spread reducer, immer's default otherwise. */
export function strataStore(
  kind: Kind,
  initialState: Board,
  history: HistoryOptions = {},
): StrataStore {
  return kind === 'spread'
    ? createStore({ initialState, reducer: spreadReducer, immer: false, history })
    : createStore({ initialState, reducer: immerReducer, history })
}

export function recordStrata(
  kind: Kind,
  initialState: Board,
  events: readonly BoardEvent[],
  history: HistoryOptions = {},
): StrataStore {
  const store = strataStore(kind, initialState, history)
  for (let i = 0; i < events.length; i++) store.dispatch(events[i]!)
  return store
}

/** Redux + @redux-devtools/instrument, the engine of Redux DevTools; no maxAge means unlimited. */
export function recordInstrument(
  kind: Kind,
  initialState: Board,
  events: readonly BoardEvent[],
  maxAge?: number,
): { getState(): unknown } {
  const reducer = pureReducer(kind) as ReduxReducer<Board, BoardEvent>
  const store = legacy_createStore(
    reducer,
    initialState,
    instrument(undefined, maxAge === undefined ? {} : { maxAge }),
  )
  for (let i = 0; i < events.length; i++) store.dispatch(events[i]!)
  return store
}
