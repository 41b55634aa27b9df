import type { AnyEvent, HotReport } from '@strata/state'

/** The `protocol` field of every devtools message. */
export const PROTOCOL = 'strata.devtools'
/** The protocol version this package speaks. A host answers other versions with an error. */
export const PROTOCOL_VERSION = 1

/** A path into a state: keys of objects and indexes of arrays. */
export type Path = readonly (string | number)[]

/** An error as it crosses the protocol: its fields kept, never flattened to a string. */
export interface ErrorInfo {
  name: string
  message: string
  stack?: string
  /** `code`, `status` and other own fields of the error, when they are plain values. */
  data?: Record<string, unknown>
  cause?: ErrorInfo
}

/** Where the store is, and what the panel needs to lay out its lanes. */
export interface Meta {
  /** Grows whenever anything the panel shows may have changed: refetch visible rows. */
  revision: number
  /** Grows only when the logs changed (not when the cursor moved): refetch rows on this. */
  logRevision: number
  /** Random per host: a new host (a reloaded page) starts its revisions again. */
  host: string
  name: string
  cursor: number
  /** Number of events; states are numbered 0 to `length`. */
  length: number
  /**
   * `history.start`: the first event in memory. Rows below it exist but are not loaded; the
   * `loadEarlier` request (or a `jumpTo` there) pages them in.
   */
  start: number
  /** A `loadEarlier` is under way. */
  loadingEarlier: boolean
  isLive: boolean
  commands: number
  /** Copies of `store.hot.reports`, oldest first. */
  hot: HotReport[]
  /** `store.history.locked`: dispatches record nothing. */
  locked: boolean
  /** `import`: the host can import a session (into the store, or through its `load` option). */
  features: { import: boolean; sync: boolean; selectors: string[] }
}

export interface EventRow {
  index: number
  id: string
  type: string
  payload: unknown
  at: number
  commandId: string | undefined
  error: ErrorInfo | undefined
  skipped: boolean
  rejected: ErrorInfo | undefined
  origin: 'local' | 'remote'
  position: string | undefined
  /** The state after this event, when asked with `states: true`. */
  state?: unknown
}

export interface CommandRow {
  index: number
  id: string
  type: string
  payload: unknown
  at: number
  eventIds: readonly string[]
  error: ErrorInfo | undefined
}

/** The state after `index` events, described by the event that made it. */
export interface StateRow {
  index: number
  eventId: string | undefined
  eventType: string | undefined
  skipped: boolean
  failed: boolean
  /** Paths the event changed, at most a few; `more` counts the rest. */
  paths: Path[]
  more: number
}

export interface EventQuery {
  /** Exact event types to keep; empty or absent keeps every type. */
  types?: readonly string[]
  /** Case-insensitive text looked for in the type and the JSON of the payload. */
  text?: string
  /** Keep only events with one of these marks. */
  flags?: readonly ('error' | 'rejected' | 'skipped' | 'remote')[]
}

export interface BisectResult {
  /** The event after which the value became what it is at `upTo`; undefined when it always was. */
  index: number | undefined
  eventId: string | undefined
  eventType: string | undefined
  /** The states looked at, in order, and whether the value there equalled the target. */
  probes: { index: number; equal: boolean }[]
  value: unknown
}

export interface SyncRead {
  /** What was read: a URL or a query key. */
  key: string
  /** The position token the read waited for. */
  position: string | undefined
  waitedMs: number
  at: number
}

/** An outbox event: the store's row, plus what the sync client says of it. */
export interface SyncOutboxRow {
  row: EventRow | undefined
  id: string
  type: string
  clientSeq: number | undefined
  /** 'waiting', 'claimed', 'in-flight', or undefined when the client does not say. */
  state: string | undefined
}

export interface SyncRejectedRow {
  row: EventRow | undefined
  id: string
  type: string
  error: ErrorInfo | undefined
}

export interface SyncSnapshot {
  status: string
  paused: boolean
  position: string | undefined
  clientId: string | undefined
  /** This tab sends the shared outbox. */
  sender: boolean | undefined
  durable: boolean | undefined
  lastSeq: number | undefined
  retry: { attempt: number; at: number } | undefined
  outbox: SyncOutboxRow[]
  rejected: SyncRejectedRow[]
  errors: { at: number; error: ErrorInfo | undefined }[]
  reads: SyncRead[]
  error: ErrorInfo | undefined
  /** A re-fold of the history or a page of earlier history under way (events done, total). */
  progress?: { task: string; done: number; total: number }
}

/** Every request, by type: what it takes and what it answers. */
export interface RequestMap {
  meta: { params: {}; result: Meta }
  events: {
    params: { start: number; end: number; states?: boolean }
    result: EventRow[]
  }
  commands: { params: { start: number; end: number }; result: CommandRow[] }
  states: { params: { start: number; end: number }; result: StateRow[] }
  state: { params: { index: number; path?: Path }; result: { index: number; value: unknown } }
  diff: {
    params: { from: number; to: number }
    result: { from: number; to: number; left: unknown; right: unknown; paths: Path[] }
  }
  changes: { params: { index: number; limit?: number }; result: { paths: Path[]; more: number } }
  touches: { params: { path: Path; start: number; end: number }; result: number[] }
  related: {
    params: { lane: 'command' | 'event' | 'state'; index: number }
    result: { command: number | undefined; events: number[]; states: number[] }
  }
  search: {
    params: { query: EventQuery; from: number; limit?: number; budget?: number }
    result: { matches: number[]; next: number | undefined }
  }
  types: { params: { limit?: number }; result: { types: string[]; scanned: number } }
  marks: {
    params: { limit?: number }
    result: { errors: number[]; rejected: number[]; skipped: number[]; truncated: boolean }
  }
  bisect: { params: { path?: Path; selector?: string; upTo?: number }; result: BisectResult }
  /** An index below `start` pages the earlier history in first, then jumps (answered at once). */
  jumpTo: { params: { index: number }; result: Meta }
  /**
   * `history.loadEarlier(count)`, answered at once: meta pushes follow as pages arrive. One runs
   * at a time; a request while one runs only raises the count still wanted.
   */
  loadEarlier: { params: { count?: number }; result: Meta }
  step: { params: { delta: number }; result: Meta }
  toLive: { params: {}; result: Meta }
  /**
   * Skip or un-skip an event; one before the window is paged in first (`history.toggleEarlier`),
   * answered once it is. An id in no event of the history answers a `bad-request` error.
   */
  toggle: { params: { eventId: string }; result: { skipped: boolean; meta: Meta } }
  commit: { params: {}; result: Meta }
  /** Drop every event since the last commit (the base state is kept): Redux DevTools' ROLLBACK. */
  rollback: { params: {}; result: Meta }
  /** Back to the store's initial state with no events: Redux DevTools' RESET. */
  reset: { params: {}; result: Meta }
  /** Forget the skipped events, states recomputed: Redux DevTools' SWEEP. */
  sweep: { params: {}; result: Meta }
  /** Move an event just before another (to the end without one): Redux DevTools' REORDER_ACTION. */
  reorder: { params: { eventId: string; beforeEventId?: string }; result: Meta }
  /** While locked, the store's dispatch records nothing: Redux DevTools' LOCK_CHANGES. */
  lock: { params: { locked: boolean }; result: Meta }
  dispatch: { params: { command: AnyEvent }; result: { error: ErrorInfo | undefined } }
  export: { params: {}; result: { fileName: string; text: string } }
  /** `imported`: the file's events (the store's own count differs when `load` swaps stores). */
  import: { params: { text: string }; result: Meta & { imported: number } }
  sync: { params: {}; result: SyncSnapshot | undefined }
  syncPause: { params: {}; result: SyncSnapshot | undefined }
  syncResume: { params: {}; result: SyncSnapshot | undefined }
}

export type RequestType = keyof RequestMap
export type Request<T extends RequestType = RequestType> = T extends RequestType
  ? { type: T } & RequestMap[T]['params']
  : never
export type ResultOf<T extends RequestType> = RequestMap[T]['result']

interface Envelope {
  protocol: typeof PROTOCOL
  version: number
  /** Several stores can share one channel; each host answers its own name only. */
  channel: string
}

export interface RequestMessage extends Envelope {
  kind: 'request'
  id: number
  client: string
  request: Request
}

export type ResponseMessage = Envelope & {
  kind: 'response'
  id: number
  client: string
} & ({ ok: true; result: unknown } | { ok: false; error: ErrorInfo })

export type Push = { type: 'meta'; meta: Meta } | { type: 'sync'; sync: SyncSnapshot | undefined }

export interface PushMessage extends Envelope {
  kind: 'push'
  push: Push
}

export type InspectMessage = RequestMessage | ResponseMessage | PushMessage

/** True for a message of this protocol, of any version. */
export function isInspectMessage(value: unknown): value is InspectMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { protocol?: unknown }).protocol === PROTOCOL
  )
}

/** The fields every message starts with. */
export function envelope(channel: string): Envelope {
  return { protocol: PROTOCOL, version: PROTOCOL_VERSION, channel }
}
