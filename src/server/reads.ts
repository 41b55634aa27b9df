import type { ClientRecord, StoredEvent } from './types'

/** What a store's reads take and answer (`Storage.read`, `readText`, `readPage`). */

export interface ReadRequest {
  /** A tenant position when `tenant` is given, else a global one. */
  after: number
  limit: number
  /** One tenant's events in tenant order; undefined reads every tenant in global order. */
  tenant?: string | undefined
  streams?: readonly string[] | undefined
  /** Also read these clients' records (of `tenant`) in the same snapshot. */
  clientIds?: readonly string[] | undefined
  /**
   * A page's byte budget (`readText`, `readPage`; `read` reads `limit`): UTF-8 bytes of its
   * events' wire text joined by commas. `readPage` stops before the event that would pass it
   * (`fitting`); `readText` may read more, never fewer (its caller cuts where the text it writes
   * passes), without reading every event to `limit` when they are large. Always one event.
   */
  maxBytes?: number | undefined
}

export interface ReadResult {
  events: StoredEvent[]
  /** Newest position in the same snapshot: the tenant's when one was asked for, else global. */
  head: number
  /** The records of `clientIds` that exist. */
  clients: ClientRecord[]
  /** Stopped at `maxBytes` before `limit`: events may follow the last one. */
  cut?: boolean | undefined
}

/**
 * A stored event as `GET /events` reads it: the payload still the JSON text it is stored as
 * (any JSON text of the same value), so an answer splices it in instead of parsing and encoding
 * it again. No fingerprint: a reader never needs it.
 */
export interface TextEvent extends Omit<StoredEvent, 'payload' | 'fingerprint'> {
  payloadText: string
}

/** `Storage.readText`'s answer: `ReadResult` with the payloads as stored text. */
export interface TextReadResult extends Omit<ReadResult, 'events'> {
  events: TextEvent[]
}

/**
 * `Storage.readPage`'s request: one tenant's events after a position, which the store writes as
 * `GET /events` does (`wireText`), each a reader may see as stored.
 */
export interface PageRequest extends ReadRequest {
  tenant: string
  /**
   * Events only the server may write out: of `types` with a sealed field (`"$enc"` in the stored
   * text: opened per reader), or on `streams` (whether the reader sees one is decided per event).
   */
  held: { types: readonly string[]; streams: readonly string[] }
  /**
   * Of `held.types`, those whose rows with a sealed field are given apart (`PageResult.sealed`)
   * instead of holding the page: the server opens their payloads and writes them in. A store
   * that does not know this field holds them, as before.
   */
  sealed?: readonly string[] | undefined
  /**
   * Of those rows, whether the caller holds one's payload opened (by its global position): a
   * hint, asked in the read. Such a row may come without its payload (`SealedRow.payloadText`
   * ''), which the caller then serves from what it holds, or reads the page again without this
   * hint when it no longer holds it. A store may ignore it.
   */
  opened?: ((position: number) => boolean) | undefined
  /**
   * The global positions (from, to) between which the caller's opened payloads lie, with
   * `opened`: a store that cannot ask `opened` during its read (PostgreSQL) sends the payloads of
   * the sealed rows outside them only, and reads those within that the caller does not hold
   * after, by position.
   */
  openedWithin?: readonly [number, number] | undefined
}

/** `Storage.readPage`'s answer: the events' wire text with the rest of a read's answer. */
export interface PageResult extends Omit<ReadResult, 'events'> {
  /** The events as `wireText` writes them, joined by commas ('' with none). */
  text: string
  count: number
  /** The tenant position of the last event (0 with none). */
  last: number
  /**
   * The rows of `PageRequest.sealed` types holding a sealed field, in order, when there are any:
   * `text` has an empty place for each (at `at`), where the event's wire text goes, its payload
   * opened. Never served as it is: the page is written only once they are in.
   */
  sealed?: SealedRow[] | undefined
}

/**
 * What opening a stored payload text takes (the additional data's place, the cache's position):
 * a text event, or a row of a page.
 */
export interface PayloadAt {
  tenant: string
  position: number
  clientId: string
  id: string
  type: string
  payloadText: string
}

/** A row with a sealed field, as `readPage` gives it apart: its wire text around the payload. */
export interface SealedRow extends PayloadAt {
  /** Where in the page's `text` the row goes. */
  at: number
  /**
   * Its wire text up to the payload (`..."payload":`) and after it (`,"at":...}`). Its
   * `payloadText` is '' when not sent (`PageRequest.opened`).
   */
  head: string
  tail: string
}
