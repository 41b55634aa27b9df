import type { AnyEvent, CommandEntry, EventEntry } from '@strata/state'
import type { PulledEvent, WireEvent } from '../core/replica'
import type { JsonValue, PositionToken } from '../protocol/index'
import type { PersonalData } from '../protocol/personal'
import type { RetryOptions, SyncClock } from './clock'
import type { SyncError } from './errors'
import type { IdbStorageOptions } from './idbStorage'
import type { LockManagerLike } from './tabs'
import type { FetchLike } from './transport'

/**
 * `idle`: everything is saved. `conflict`: nothing is waiting, but a local command was lost to a
 * concurrent change (see `sync.conflicts`) and is not dismissed yet.
 */
export type SyncStatus = 'idle' | 'sending' | 'offline' | 'error' | 'conflict'

/** How a store event maps to the wire's `type` and `payload`, and back. */
export interface EventCodec<E extends AnyEvent = AnyEvent> {
  encode(event: E): { type: string; payload?: JsonValue }
  decode(wire: { type: string; payload: JsonValue }): E & WireEvent
}

export interface BatchOptions {
  /** Send as soon as this many events wait. Default 100. */
  maxEvents?: number
  /** Send events at most this long after the first of them waits. Default 20 ms. */
  maxDelayMs?: number
}

export interface SyncOptions<E extends AnyEvent = AnyEvent> {
  /** Base URL of the event server, e.g. "https://api.example.com/sync". */
  url?: string | URL
  /** A fetch taking a Request: a custom fetch, or a handler like `createEventServer(...).fetch`. */
  fetch?: FetchLike
  batch?: BatchOptions
  /** Where the outbox lives. Default IndexedDB when present; `false` keeps it in memory. */
  persist?: IdbStorageOptions | false
  /** Pull only these streams. Default every stream the server lets this client read. */
  streams?: readonly string[]
  /**
   * The stream an event is written to. Default "default". Concurrency is checked per stream:
   * choose streams so that a command's decision reads only its own stream (a stream per entity,
   * e.g. `card:${id}`), and unrelated edits never conflict.
   */
  streamOf?: (event: E) => string
  /**
   * `optimistic` (default when the store has command handlers): each event carries the version
   * of its stream its command saw, the server refuses it if the stream moved, and the command is
   * re-run on the new state (see `onConflict`). `off`: events are stored as decided.
   */
  concurrency?: 'optimistic' | 'off'
  /** A local command was lost: re-run after a concurrent change, its handler threw. */
  onConflict?: (conflict: Conflict) => void
  /**
   * The reducer threw on an event the server stored (a bug, or an event stored before the rules
   * that refuse it): the state is kept as it was and later events apply. Called once per event.
   */
  onError?: (error: StoredEventError) => void
  codec?: EventCodec<E>
  /**
   * The server's `personal` declaration: when the server says a subject was forgotten, its
   * fields become `{ erased: true }` in this store's logs and the outbox, and the cached
   * snapshots and pages of settled history are dropped and folded again. It applies by type to
   * commands too (declare command types beside event types) and to the store's own events.
   */
  personal?: PersonalData
  /** Use this clientId instead of the one made and kept beside the outbox. */
  clientId?: string
  credentials?: RequestCredentials
  /** A bearer token for each request (cache it; it is called per request). */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>
  /** The server answered 401: get a fresh credential, then the request is retried once. */
  onAuthRequired?: (error: SyncError) => void | Promise<void>
  /** How remote events arrive: long poll (default), after SSE pokes, or only on `sync.pull()`. */
  live?: 'poll' | 'sse' | 'off'
  /** Long-poll wait. Default 25 s. */
  pollWaitMs?: number
  /** Events per pull. Default the server's. */
  pullLimit?: number
  retry?: RetryOptions
  clock?: SyncClock
  random?: () => number
  /** Web Locks to elect the sending tab; default `navigator.locks`, `false` for IDB leases. */
  locks?: LockManagerLike | false
  /** Lease length when Web Locks are missing. Default 10 s. */
  leaseMs?: number
  /** How often a tab without messages from others looks for their events. Default 1 s. */
  idlePollMs?: number
  /** A request without an answer this long (beyond a long poll's wait) is retried. Default 30 s. */
  requestTimeoutMs?: number
  /**
   * The name of a server snapshot (`createEventServer({ snapshots })`) of this store's reducer:
   * a device without a usable snapshot of its own boots from it and pulls only the events after
   * it, and `history.loadEarlier` pages earlier history from it.
   */
  snapshot?: string
}

/** An event of this tab the server stored, with where. */
export interface ConfirmedEvent {
  id: string
  type: string
  /** The event as the store holds it. */
  event: AnyEvent
  stream: string
  clientSeq: number
  position: PositionToken
}

export interface ConfirmedBatch {
  /** The newest token, already in `sync.position` when listeners run. */
  token: PositionToken
  events: readonly ConfirmedEvent[]
}

export interface OutboxEntry {
  id: string
  type: string
  /** Given when the event is claimed for sending; from then on it is never re-derived. */
  clientSeq: number | undefined
  /** `conflict`: refused as stale, waiting for the pull that lets its command be re-run. */
  state: 'waiting' | 'claimed' | 'in-flight' | 'conflict'
}

/** An event of another writer that a lost command lost to. */
export interface ConflictEvent {
  /** As in the store's log (`remoteEventId(clientId, id)` for other clients' events). */
  id: string
  type: string
  event: AnyEvent
  stream: string
  /** The stream's version after it. */
  version: number
  position: PositionToken
}

/** A local command that was lost to a concurrent change. */
export interface Conflict {
  /** The command's id, also the conflict's. */
  id: string
  /** The command, as dispatched (its events are gone from the log). */
  command: CommandEntry
  /** What its handler threw when it was re-run on the new state (or the server's refusal). */
  error: unknown
  /** The events of other writers it lost to, in its streams, when this client has them. */
  lostTo: readonly ConflictEvent[]
  /** The events it had decided before, as they were. */
  events: readonly EventEntry[]
  at: number
}

/** `sync.conflicts`: the lost commands not dismissed yet, newest last. */
export interface Conflicts {
  getSnapshot(): readonly Conflict[]
  /** Fits `useSyncExternalStore`. */
  subscribe(listener: () => void): () => void
  /** Dismiss one conflict (by itself or its id), or all of them. */
  dismiss(conflict?: Conflict | string): void
}

/** A reducer error on an event the server stored. */
export interface StoredEventError {
  entry: EventEntry
  error: unknown
}

export interface RejectedEvent {
  id: string
  type: string
  clientSeq: number | undefined
  /** The server's typed error (a StrataWireError), or the client's own check. */
  error: unknown
}

/**
 * Where the settled state came from when the connection began: this device's snapshot, the
 * server's snapshot (`snapshot` option), or the events (no usable snapshot: a re-fold).
 */
export type SyncBoot = 'local-snapshot' | 'server-snapshot' | 'events' | 'store'

export interface SyncProgress {
  /** 'refold': folding the history from the server's events; 'earlier': `loadEarlier`. */
  task: 'refold' | 'earlier'
  /** Events folded so far. */
  done: number
  /** Events to fold in all, as far as the server said. */
  total: number
}

export interface SyncErrorRecord {
  at: number
  error: SyncError
}

/** Everything the devtools' sync tab shows; a new object whenever something changed. */
export interface SyncSnapshot {
  status: SyncStatus
  position: PositionToken | undefined
  clientId: string | undefined
  tabId: string
  paused: boolean
  /** This tab is the one that sends the shared outbox. */
  sender: boolean
  durable: boolean
  outbox: readonly OutboxEntry[]
  inFlight: { first: number; last: number } | undefined
  rejected: readonly RejectedEvent[]
  /** Lost commands not dismissed yet (as `sync.conflicts`). */
  conflicts: readonly Conflict[]
  /** Stored events the reducer threw on, newest last (at most 50). */
  reducerErrors: readonly StoredEventError[]
  /** Recent errors, newest last, retried ones included. */
  errors: readonly SyncErrorRecord[]
  /** The error that stopped syncing (status 'error'); `resume()` tries again. */
  error: SyncError | undefined
  retry: { attempt: number; at: number } | undefined
  /** The last clientSeq the server has processed for this client, when known. */
  lastSeq: number | undefined
  /** Where the settled state came from (undefined until the connection is open). */
  boot: SyncBoot | undefined
  /** A re-fold from events or a page of earlier history under way, for a progress bar. */
  progress: SyncProgress | undefined
}

/** One read-your-writes read made with `sync.fetch`. */
export interface SyncRead {
  /** The URL read. */
  key: string
  /** The token it asked the server to have applied (`X-Min-Position`); none before any write. */
  position: string | undefined
  /** The position the server answered at (`X-Position`), if it said. */
  served: string | undefined
  status: number
  waitedMs: number
  at: number
}

export interface Sync {
  readonly tabId: string
  /**
   * Resolves once the outbox is open and restored. Never rejects: an IndexedDB that cannot open
   * falls back to memory, with the error in the snapshot's `errors`.
   */
  readonly ready: Promise<void>
  readonly clientId: string | undefined
  /** The newest position token this client has seen. */
  readonly position: PositionToken | undefined
  readonly status: SyncStatus
  getSnapshot(): SyncSnapshot
  /** Called whenever the snapshot changes; fits `useSyncExternalStore`. */
  subscribe(listener: () => void): () => void
  /** Called after the server stored events of this tab, once `position` includes them. */
  onConfirm(listener: (batch: ConfirmedBatch) => void): () => void
  /**
   * Called after remote (and echoed) events were applied to the store. Ids are as in the
   * store's log: this client's own events keep theirs, other clients' events have
   * `remoteEventId(clientId, id)`.
   */
  onPull(listener: (events: readonly PulledEvent[]) => void): () => void
  /** Local commands lost to concurrent changes; dismiss them once the person has seen them. */
  readonly conflicts: Conflicts
  /** A fetch to the server that reads at least what this client has seen (`X-Min-Position`). */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>
  /** The last reads made with `fetch`: the position each waited for and how long (devtools). */
  reads(): readonly SyncRead[]
  /**
   * Sends every pending local event now; resolves when the server has decided all of them.
   * Rejects with the error if syncing stops (status 'error'); waits while paused or offline.
   */
  flush(): Promise<void>
  /** Pulls now until caught up with the server. */
  pull(): Promise<void>
  pause(): void
  /** Resumes after `pause()` or an error, retrying at once. */
  resume(): void
  /** Stops syncing; unsent events stay in the outbox for the next connect. */
  close(): Promise<void>
}
