import type { AnyEvent, RecordedCtx } from '@strata/state'

/** The `format` field of every session file. */
export const SESSION_FORMAT = 'strata.session'
/** The session format version this package writes and reads. */
export const SESSION_VERSION = 1

export interface SessionMeta {
  /** The app that recorded the session. */
  app?: string
  /** When the session was exported, as an ISO 8601 string. */
  recordedAt: string
  /** A label for the code that recorded it: a version, a commit, a build id. */
  codeVersion?: string
  /** Free text: what the session shows, how to reproduce it. */
  description?: string
  /**
   * The stretch of the store's history the session holds, as history indexes: its events are
   * `from` up to `to` (exclusive) and `initialState` is the state at `from`. Present when `from`
   * is not 0, that is when the store's window held only its recent history: the events before
   * `from` are folded into `initialState` (by the code that folded them) and are not here.
   */
  range?: { from: number; to: number }
}

/** One recorded command. The fields that have their default are left out. */
export interface SessionCommand {
  id: string
  /** The command exactly as dispatched: `{ type, payload }` or a Redux action. */
  command: AnyEvent
  at: number
  /** What `ctx` returned while its handler ran, so a re-run sees the same values. */
  ctx?: RecordedCtx
  /** Ids of the events it made, in order. */
  eventIds: string[]
  /** The message of the error that rejected it, if it was rejected. */
  error?: string
}

/** One recorded event. The fields that have their default are left out. */
export interface SessionEvent {
  id: string
  /** The event exactly as the reducer saw it. */
  event: AnyEvent
  at: number
  /** The command that made it; absent for events from elsewhere. */
  commandId?: string
  /** Present (true) when the event was skipped in the devtools: replay skips it too. */
  skipped?: true
  /** The server's reason, when a server refused the event (it is also `skipped`). */
  rejected?: string
  /** Present when the event came from another client. */
  origin?: 'remote'
  /** The server position token, once a server stored it. */
  position?: string
  /** The message of the error the reducer threw on it; the state was kept. */
  error?: string
  /** `hashState` of the state after this event: lets replay name the first diverging event. */
  hash?: string
}

/** A recorded state: the state after the first `index` events. */
export interface SessionCheckpoint<S = unknown> {
  index: number
  state: S
}

/**
 * A recorded session: everything needed to re-run it with today's code and compare. Values JSON
 * loses (Date, Map, Set, BigInt, undefined, typed arrays, NaN, -0) survive `serializeSession`.
 */
export interface Session<S = unknown> {
  format: typeof SESSION_FORMAT
  version: typeof SESSION_VERSION
  meta: SessionMeta
  /** The state before the first event (the store's base state). */
  initialState: S
  /** The version of each event type when recorded; a type not listed is at version 1. */
  eventVersions: Record<string, number>
  commands: SessionCommand[]
  events: SessionEvent[]
  /** Increasing indexes; the last one is the final state (`index === events.length`). */
  checkpoints: SessionCheckpoint<S>[]
}

/** The event type's version recorded in the session. */
export function recordedVersion(session: Session<unknown>, type: string): number {
  return Object.hasOwn(session.eventVersions, type) ? session.eventVersions[type]! : 1
}
