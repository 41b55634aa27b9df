// The protocol's essentials, so server code needs no second import for tokens and wire errors.
export {
  compareTokens,
  decodeToken,
  type ErrorCode,
  encodeToken,
  isWireError,
  type JsonValue,
  type PositionToken,
  PROTOCOL_VERSION,
  StrataWireError,
  type WireErrorBody,
} from '../protocol'
export {
  ERASED,
  ERASURE_STREAM,
  type Erased,
  FORGOTTEN_TYPE,
  type ForgottenPayload,
  isErased,
  type PersonalData,
  type PersonalFields,
  SERVER_CLIENT_ID,
} from '../protocol/personal'
export { devToken } from './devToken'
export type { ForgetResponse } from './erasure/forget'
export type { ForgetContext, ForgetHook } from './erasure/scrub'
export { type AllowedHosts, hostAllowed } from './hosts'
export { type BearerJwtOptions, bearerJwt } from './jwt'
export { isLoopback, type RunningServer, type ServeOptions, serve } from './node'
export { createEventServer } from './server'
export type { SnapshotConfig } from './snapshots'
export { memoryStorage } from './storage/memory'
export { type PostgresStorageOptions, postgresStorage } from './storage/postgres'
export { type SqliteStorageOptions, sqliteStorage } from './storage/sqlite'
export { type ProjectionReport, reportProjections, requestRebuild } from './tables/admin'
export {
  type TableProjection,
  type TableProjectionOptions,
  tableProjection,
  type ViewParams,
} from './tables/define'
export type { TableRunnerOptions } from './tables/runner'
export type { SqlDb } from './tables/sql'
export type { TableViewStatus } from './tables/status'
export {
  type Authorize,
  type Checkpoint,
  type ClientRecord,
  type Commit,
  type CorsOptions,
  DEFAULT_LIMITS,
  type EventServer,
  type EventServerOptions,
  type EventValidator,
  type Limits,
  type PageRequest,
  type PageResult,
  type Principal,
  type ProjectedEvent,
  type Projection,
  type ReadRequest,
  type ReadResult,
  type Receipt,
  type Rejection,
  type Storage,
  type StorageTx,
  type StoredEvent,
  type ViewContext,
} from './types'
