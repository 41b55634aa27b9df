export {
  type EarlierHistory,
  type LostCommand,
  type Page as HistoryPage,
  type PulledEvent,
  type PullResult,
  type RebaseOptions,
  type Replica,
  type RestoredCommand,
  type RestoredEvent,
  replicaOf,
  type WireEvent,
} from '../core/replica'
export {
  type Erased,
  isErased,
  type PersonalData,
  type PersonalFields,
} from '../protocol/personal'
export { type RetryOptions, type SyncClock, systemClock } from './clock'
export { connectSync } from './connectSync'
export {
  responseError,
  SyncError,
  type SyncErrorCode,
  type SyncOperation,
} from './errors'
export type { IdbStorageOptions } from './idbStorage'
export { remoteEventId } from './ids'
export type { LockManagerLike } from './tabs'
export type { FetchLike } from './transport'
export type {
  BatchOptions,
  ConfirmedBatch,
  ConfirmedEvent,
  Conflict,
  ConflictEvent,
  Conflicts,
  EventCodec,
  OutboxEntry,
  RejectedEvent,
  StoredEventError,
  Sync,
  SyncErrorRecord,
  SyncOptions,
  SyncRead,
  SyncSnapshot,
  SyncStatus,
} from './types'
