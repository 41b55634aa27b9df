import {
  type AnyEvent,
  type CommandMap,
  createStore,
  type HistoryOptions,
  type LoadData,
  type Reducer,
  type Store,
} from '@strata/state'
import type { Session } from '../testing/format'
import { sessionLogs } from '../testing/logs'

export interface RestoreOptions<S> {
  reducer: Reducer<S, any>
  commands?: CommandMap<S, any>
  history?: HistoryOptions
}

/**
 * A new store holding a session (its initial state, events and commands, with their ids, skip
 * flags and positions), states recomputed by today's reducer: what an app's `load` can swap in
 * when a session is imported, for apps that would rather not load it into their own store. Its
 * local events without a position look unsent to a sync client: do not connect this store to a
 * server. Name the state type, as the reducer alone cannot infer it:
 * `restoreStore<State>(session, { reducer })`.
 */
export function restoreStore<S>(session: Session, options: RestoreOptions<S>): Store<S, any, any> {
  const store = createStore({
    initialState: session.initialState as S,
    reducer: options.reducer as Reducer<S, AnyEvent>,
    ...(options.commands ? { commands: options.commands } : {}),
    ...(options.history ? { history: options.history } : {}),
  } as never) as Store<S, any, any>
  store.history.load(sessionLogs(session) as LoadData<S>)
  return store
}
