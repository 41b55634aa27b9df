import { type AnyEvent, createStore, type Reducer } from '@strata/state'
import type { ReplayReducer } from './replay'

/** Applies events one at a time, as a store does: the same immer use, the same error rule. */
export interface Folder<S> {
  /** Applies one event; returns what the reducer threw (the state is then kept), if it did. */
  apply(event: AnyEvent): unknown
  readonly state: S
}

/**
 * A folder over a throwaway store without command handlers, where each dispatched event passes
 * through unchanged: replay then folds exactly as the store did when the session was recorded.
 * The core exports no bare fold, so the store stands in for one (see the report of issue 5).
 */
export function folder<S>(initialState: S, reducer: ReplayReducer<S>, immer?: boolean): Folder<S> {
  const store = createStore<S, AnyEvent>({
    initialState,
    reducer: reducer as Reducer<S>,
    ...(immer === undefined ? {} : { immer }),
  })
  return {
    apply: (event) => store.dispatch(event).error,
    get state() {
      return store.getState()
    },
  }
}
