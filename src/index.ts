export { deepEqual } from './core/equal'
export { InvalidEventError, UnknownCommandError } from './core/errors'
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
  Inverses,
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
