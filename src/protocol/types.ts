import type { JsonValue, WireErrorBody } from './errors'
import type { PositionToken } from './token'

/** The protocol this module speaks. A request with another `protocol` gets `update_required`. */
export const PROTOCOL_VERSION = 1
export const SUPPORTED_PROTOCOLS: readonly number[] = [PROTOCOL_VERSION]

/** Limits of field sizes, the same on both sides so a client can check before sending. */
export const FIELD_LIMITS = {
  clientIdLength: 128,
  idLength: 128,
  streamLength: 256,
  typeLength: 256,
} as const

/** One event as a client sends it. */
export interface WireEvent {
  /** Dense per client, from 1; consecutive within a request. */
  clientSeq: number
  /**
   * Stable event id, made once by the client and never re-made. Unique per client: the server
   * keeps one event per `(clientId, id)`, and the same id sent by another client is a different
   * event (ids need not be unguessable, and one client cannot take another's).
   */
  id: string
  stream: string
  type: string
  /** Any JSON; absent is stored as null. */
  payload?: JsonValue
  /** Client timestamp in milliseconds. */
  at: number
  commandId?: string | null
  /**
   * The stream's version the event was decided on: the events in the stream before it, this
   * client's own earlier events not yet stored included. Stored only if the stream is at it;
   * else refused with `version_conflict`, whose `details.actual` is the stream's version.
   */
  expectedVersion?: number
  /**
   * The oldest of this client's earlier events (a clientSeq below this one) that this event was
   * decided on top of before the client knew they were stored: its own earlier events in the
   * stream, and the earlier events of its command. Refused with `version_conflict` if any event
   * of this client from `dependsOn` up to this one was refused, so an event decided on a refused
   * one is never stored even when the count in `expectedVersion` happens to match.
   */
  dependsOn?: number
}

/** `POST /events` body. */
export interface PostEventsRequest {
  protocol: number
  clientId: string
  /** Free-form id of this batch, for logs; the server does not interpret it. */
  batchId?: string
  events: WireEvent[]
}

export type EventStatus = 'applied' | 'duplicate' | 'rejected'

export interface EventResult {
  clientSeq: number
  status: EventStatus
  /**
   * Where the event is stored: set for `applied` and `duplicate`, and for a `rejected` one with
   * code `duplicate_id` (this client already stored an event with its `id` under another
   * `clientSeq`), where that event of this client is stored (the client confirms it there).
   * Never a position of another client's event.
   */
  position?: PositionToken
  /**
   * Why a `rejected` event was refused: codes `invalid`, `forbidden`, `version_conflict`,
   * `duplicate_id` or `too_large` (`details: { limit: "maxEventBytes", max, received }`);
   * `path` is relative to the event (`["payload", "title"]`).
   */
  error?: WireErrorBody
}

/** `POST /events` 200 body. `results` is in request order, one per event. */
export interface PostEventsResponse {
  protocol: number
  /**
   * Read-your-writes token: the newest position among this request's stored events (applied,
   * `duplicate`, or where this client's earlier event with a `duplicate_id` id is stored), or
   * the tenant's head when none is. Send it as `X-Min-Position` on reads.
   */
  token: PositionToken
  /** The last `clientSeq` the server has processed for this client (applied or rejected). */
  lastSeq: number
  results: EventResult[]
}

/**
 * `GET /limits` 200 body: the server's request limits, so a client sizes its batches to fit.
 * A request over `maxBodyBytes` (bytes of the JSON body after decompression) or
 * `maxEventsPerBatch` is refused whole with a 413; an event over `maxEventBytes` (bytes of its
 * content as the server measures it) is rejected alone with `too_large`. Clients ignore fields
 * they do not know, so a server may add more.
 */
export interface LimitsResponse {
  protocol: number
  maxBodyBytes: number
  maxEventsPerBatch: number
  maxEventBytes: number
}

/**
 * `GET /snapshots/<name>`: a server snapshot, the app's reducer folded over the caller's
 * tenant's events up to `position`. `state` is the session serializer's form (superjson's
 * `{ json, meta }`), so Map, Set, Date and BigInt survive. With `?before=<token>&events=<n>` it
 * is the kept state at least `n` events before `before` (paging back): the nearest one at or
 * before that, the initial state at `v1:0` when there is none.
 */
export interface SnapshotResponse {
  protocol: number
  name: string
  /** The reducer version (`snapshots: [{ version }]`) that folded it. */
  version: string
  position: PositionToken
  state: JsonValue
  /**
   * Stream versions at `position` (beyond the fields the issue named: a client expects stream
   * versions when it writes, and would otherwise learn them only from events it skips): every
   * stream's while the list is no larger than the state (at least 1,000 streams), else those
   * written last. A stream left out costs its first write one refusal and re-run.
   */
  streams?: Record<string, number>
}

/** An event as the server stores and serves it. */
export interface StoredWireEvent {
  /** Dense from 1 within the tenant: another tenant's events never take a position here. */
  position: PositionToken
  clientId: string
  clientSeq: number
  id: string
  stream: string
  /** 1 for the first event of a stream. */
  streamVersion: number
  type: string
  payload: JsonValue
  at: number
  commandId: string | null
}

/**
 * `GET /events?after=<token>&limit=<n>&wait=<ms>&clientId=<id>&stream=<s>&stream=<t>` 200 body.
 * Events are in position order with no gaps the caller may read past.
 */
export interface ReadEventsResponse {
  protocol: number
  events: StoredWireEvent[]
  /** Pass as `after` next time: everything up to it has been looked at. */
  token: PositionToken
  /** The newest position of the caller's tenant when read (positions are per tenant). */
  head: PositionToken
  /** More events exist after `token`; read again without waiting. */
  hasMore: boolean
  /** The `clientId`'s last processed seq, read in the same snapshot; only when it was given. */
  lastSeq?: number
}

/**
 * Data of a Server-Sent Event `poke` on `GET /events/stream`: events of the caller's tenant up
 * to `head` exist.
 */
export interface PokeMessage {
  head: PositionToken
}

/** Headers of the read-your-writes handshake on `GET /views/<name>`. */
export const MIN_POSITION_HEADER = 'X-Min-Position'
export const POSITION_HEADER = 'X-Position'
