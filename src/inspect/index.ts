// Whether Strata's development checks run (true unless a bundler or Node says production):
// the panel renders nothing outside development unless forced.
export { isDevelopment } from '../core/errors'
// The session file is @strata/state/testing's format: one writer, one reader.
export type { Session } from '../testing/format'
export { bisect } from './bisect'
export { createInspectClient, type InspectClient, type InspectClientOptions } from './client'
export { InspectError, RemoteInspectError, toErrorInfo } from './errors'
export { createInspectHost, type InspectHost, type InspectHostOptions } from './host'
export { type Inspection, inspect } from './inspect'
export { changedPaths, formatPath, getAt, isUnder } from './paths'
export * from './protocol'
export {
  connectReduxDevtools,
  type LiftedState,
  type ReduxDevtoolsBridge,
  type ReduxDevtoolsConnection,
  type ReduxDevtoolsExtension,
  type ReduxDevtoolsMessage,
  type ReduxDevtoolsOptions,
} from './reduxBridge'
export { type RestoreOptions, restoreStore } from './restore'
export type { SyncInspectable } from './sync'
export { broadcastTransport, cloneable, directTransport, type InspectTransport } from './transports'
