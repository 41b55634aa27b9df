import {
  type AnyEvent,
  type CommandMap,
  createStore,
  type HistoryOptions,
  type Reducer,
  replicaOf,
  type Store,
  type WireEvent,
} from '@strata/state'
import type { SessionData } from './session'

export interface RestoreOptions<S> {
  reducer: Reducer<S, any>
  commands?: CommandMap<S, any>
  history?: HistoryOptions
}

/**
 * A new store holding a session's events (with their ids) over its initial state, states
 * recomputed by today's reducer: what an app's `load` can swap in when a session is imported.
 * The command log is not restored (the core has no API to append recorded commands), and the
 * events come back as local and unsent: do not connect this store to a server. Name the state
 * type, as the reducer alone cannot infer it: `restoreStore<State>(session, { reducer })`.
 */
export function restoreStore<S>(
  session: SessionData,
  options: RestoreOptions<S>,
): Store<S, any, any> {
  const store = createStore({
    initialState: session.initialState as S,
    reducer: options.reducer as Reducer<S, AnyEvent>,
    ...(options.commands ? { commands: options.commands } : {}),
    ...(options.history ? { history: options.history } : {}),
  } as never) as Store<S, any, any>
  replicaOf(store).restore(
    session.events.map((e) => ({
      id: e.id,
      event: e.event as WireEvent,
      at: e.at,
      ...(e.commandId !== undefined ? { commandId: e.commandId } : {}),
    })),
  )
  for (const e of session.events) if (e.skipped) store.history.toggle(e.id)
  return store
}
