export { deepEqual } from './core/equal'
export { InvalidEventError, UnknownCommandError } from './core/errors'
export {
  type PulledEvent,
  type RebaseOptions,
  type Replica,
  type RestoredEvent,
  replicaOf,
  type WireEvent,
} from './core/replica'
export { createStore } from './core/store'
export type {
  AnyEvent,
  CommandContext,
  CommandEntry,
  CommandHandler,
  CommandMap,
  CommandOf,
  DispatchResult,
  EventEntry,
  HistoryApi,
  HistoryOptions,
  HotApi,
  HotReport,
  Listener,
  LoadData,
  LoadedCommand,
  LoadedEvent,
  Logs,
  RecordedCtx,
  Reducer,
  StateLogView,
  Store,
  StoreOptions,
} from './core/types'
