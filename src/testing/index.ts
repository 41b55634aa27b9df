// @strata/state/testing: record sessions, keep them as files, replay them with today's code.
// Browser-safe: the Vitest setup and `replaySessions` live in `@strata/state/testing/vitest`.

export { type Change, diffValues, type FormatOptions, formatChanges, printDiff } from './diff'
export { type ErasureReport, erasuresIn } from './erasure'
export { SessionFormatError } from './errors'
export { type ExportOptions, exportSession } from './export'
export {
  SESSION_FORMAT,
  SESSION_VERSION,
  type Session,
  type SessionCheckpoint,
  type SessionCommand,
  type SessionEvent,
  type SessionMeta,
} from './format'
export { hashState } from './hash'
export { loadSession } from './load'
export { sessionLogs } from './logs'
export { strataMatchers, type ToReplayConfig } from './matchers'
export {
  type CheckpointResult,
  type Divergence,
  type ReplayConfig,
  type ReplayReducer,
  type ReplayResult,
  replaySession,
} from './replay'
export { describeSession, formatCompatibility, formatDivergences, formatReplay } from './report'
export { type SerializeOptions, serializeSession, sessionSerializer } from './serialize'
export {
  type CompatibilityConfig,
  type CompatibilityIssue,
  type CompatibilityReport,
  checkCompatibility,
  type EventSchema,
  type EventSchemas,
  type Upcaster,
  upcastEvents,
} from './upcast'
