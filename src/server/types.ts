import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { JsonValue, StoredWireEvent, WireErrorBody } from '../protocol'
import type { PersonalData } from '../protocol/personal'
import type { ForgetHook } from './erasure/scrub'
import type { ErasureStorage, ErasureTx } from './erasure/types'
import type { AllowedHosts } from './hosts'
import type { PageRequest, PageResult, ReadRequest, ReadResult, TextReadResult } from './reads'
import type { SnapshotConfig } from './snapshots'
import type { TableProjection } from './tables/define'
import type { TableRunnerOptions } from './tables/runner'
import type { TableStorage, TableTx } from './tables/storage'

export type {
  PageRequest,
  PageResult,
  ReadRequest,
  ReadResult,
  TextEvent,
  TextReadResult,
} from './reads'

/** Who is calling, as `authorize` decides from the request's credential. */
export interface Principal {
  id: string
  /** Partition of the store; comes from the credential, never from a body. Default ''. */
  tenant?: string
  /** Streams this principal may read; default all of its tenant's. */
  canRead?(stream: string): boolean
  /** Streams this principal may write; default all of its tenant's. */
  canWrite?(stream: string): boolean
  /** May run admin actions on its tenant, like `POST /subjects/<id>/forget`. Default false. */
  admin?: boolean
}

/**
 * Returns the principal, or null/undefined for "no valid credential" (401). Throw a
 * `StrataWireError('forbidden', ...)` to refuse a known caller (403).
 */
export type Authorize = (
  request: Request,
) => Principal | null | undefined | Promise<Principal | null | undefined>

/**
 * An event as stored: the wire shape with two numeric positions, its tenant, and a hash of its
 * content to tell a retry from a different event.
 */
export interface StoredEvent extends Omit<StoredWireEvent, 'position'> {
  /**
   * Dense from 1 across every tenant: the store's internal order, followed by projections over
   * all tenants. Never sent to a client: it would tell one tenant how much the others write.
   */
  position: number
  /** Dense from 1 within the tenant: what clients see as `position`, in tokens and heads. */
  tenantPosition: number
  tenant: string
  fingerprint: string
}

/** A client, keyed by `(tenant, clientId)`: the same id in two tenants is two clients. */
export interface ClientRecord {
  clientId: string
  principalId: string
  tenant: string
  lastSeq: number
}

/** What was decided for one processed `(clientId, clientSeq)`, kept to answer retries. */
export interface Receipt {
  clientSeq: number
  fingerprint: string
  /** The tenant position, when stored. */
  position: number | null
  /** Set when rejected. */
  error: WireErrorBody | null
}

export interface Rejection {
  tenant: string
  clientId: string
  clientSeq: number
  fingerprint: string
  error: WireErrorBody
}

/**
 * A projection's progress: every event up to `position` is folded into `state`. A tenant's
 * checkpoint counts tenant positions; a checkpoint over all tenants counts global ones.
 */
export interface Checkpoint {
  position: number
  state: JsonValue
}

/** What one committed append changed, as `Storage.subscribe` listeners hear it. */
export interface Commit {
  /** The global head after the commit. */
  head: number
  /**
   * Each tenant the commit stored events of, with its new tenant head. Undefined when unknown
   * (a listener that reconnected): then any tenant may have moved.
   */
  tenants: ReadonlyMap<string, number> | undefined
}

/**
 * The write transaction an adapter hands to `append`. Appends are serialized: while one runs,
 * no other append anywhere (any process) can commit, so `head` is stable and positions handed out
 * here become visible in order.
 */
export interface StorageTx extends Partial<ErasureTx> {
  /** Newest committed global position, read under the append lock. */
  head(): Promise<number>
  /** Newest committed position of one tenant. */
  tenantHead(tenant: string): Promise<number>
  client(tenant: string, clientId: string): Promise<ClientRecord | undefined>
  /** Receipts for `fromSeq..toSeq`, stored events and rejections alike. */
  receipts(tenant: string, clientId: string, fromSeq: number, toSeq: number): Promise<Receipt[]>
  /** Current version (event count) of each stream; absent streams are missing from the map. */
  streamVersions(tenant: string, streams: readonly string[]): Promise<Map<string, number>>
  /**
   * Those of `ids` this client has already stored (under any clientSeq), each with the tenant
   * position it is stored at. Scoped to the client, never the tenant: another client's event
   * with the same id is not a duplicate, and its position is not this caller's to learn.
   */
  existingIds(
    tenant: string,
    clientId: string,
    ids: readonly string[],
  ): Promise<Map<string, number>>
  /** Events at positions `head + 1 ...` and, per tenant, `tenantHead + 1 ...`, both dense. */
  insertEvents(events: readonly StoredEvent[]): Promise<void>
  insertRejections(rejections: readonly Rejection[]): Promise<void>
  saveClient(client: ClientRecord): Promise<void>
  /**
   * Committed events, for an inline projection catching up inside the append: one tenant's
   * after a tenant position, or (tenant undefined) every tenant's after a global one.
   */
  readEvents(after: number, limit: number, tenant?: string): Promise<StoredEvent[]>
  /**
   * Loads and locks a projection's checkpoint until the append ends: a tenant's, or (tenant
   * undefined) the one over all tenants.
   */
  loadCheckpoint(name: string, tenant?: string): Promise<Checkpoint | undefined>
  saveCheckpoint(name: string, checkpoint: Checkpoint, tenant?: string): Promise<void>
  /** SQL inside this transaction, for inline table projections; absent on memory storage. */
  tables?: TableTx
}

/** One interface for every store; the shared adapter suite runs against each implementation. */
export interface Storage extends Partial<ErasureStorage> {
  readonly kind: string
  /**
   * Runs `fn` in one write transaction: all of its writes commit together or, if it throws,
   * none do. Subscribers hear the commit after it. An adapter may run `fn` again after a
   * transaction that could not start in time (PostgreSQL's lock timeout): `fn` decides only
   * from what `tx` reads.
   */
  append<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T>
  /** Events after a position and, in the same snapshot, the head and clients' records. */
  read(request: ReadRequest): Promise<ReadResult>
  /**
   * `read` with each payload left as its stored JSON text (`GET /events` serves it as it is).
   * Optional: without it, the server encodes `read`'s payloads again. A wrapper that changes
   * what `read` answers must wrap this too, or leave it out.
   */
  readText?(request: ReadRequest): Promise<TextReadResult>
  /**
   * `readText` with the answer's events written by the store itself, or undefined when one of
   * them is `held` (or its fields are written otherwise by the store than by `wireText`): the
   * server then reads them through `readText`. Optional; a wrapper that changes what `read`
   * answers must wrap this too, or leave it out.
   */
  readPage?(request: PageRequest): Promise<PageResult | undefined>
  /** The newest position of one tenant, or (tenant undefined) the global one. */
  head(tenant?: string): Promise<number>
  /**
   * The global position of a tenant's event (0 for tenant position 0), or undefined when the
   * tenant has no event there: maps a client's token into the order of all-tenant projections.
   */
  globalPosition(tenant: string, tenantPosition: number): Promise<number | undefined>
  /** A tenant's checkpoint of a projection, or (tenant undefined) the one over all tenants. */
  loadCheckpoint(name: string, tenant?: string): Promise<Checkpoint | undefined>
  /**
   * Of a tenant's checkpoints named `prefix...`, the one at the greatest position <= `atMost`
   * (one query: a snapshot's page back finds its kept state so, however many are missing below).
   * Optional: without it, a page back looks up each kept position in turn.
   */
  lastCheckpoint?(prefix: string, atMost: number, tenant?: string): Promise<Checkpoint | undefined>
  /**
   * Saves a checkpoint only if the stored one is still at `expected` (null: none stored yet).
   * False when another writer moved it first.
   */
  saveCheckpoint(
    name: string,
    expected: number | null,
    checkpoint: Checkpoint,
    tenant?: string,
  ): Promise<boolean>
  /** Hears each commit by this or (where supported) any other process, after it committed. */
  subscribe(listener: (commit: Commit) => void): () => void
  /** SQL for table projections (SQLite, PostgreSQL); absent on memory storage. */
  tables?: TableStorage
  close(): Promise<void>
}

/** The event a projection folds. */
export type ProjectedEvent = Omit<StoredEvent, 'fingerprint'>

export interface ViewContext {
  principal: Principal
  /** The principal's tenant ('' by default). */
  tenant: string
  url: URL
}

/**
 * A user-defined fold of events into a read model with its own checkpoint. `inline` folds inside
 * the append's transaction (never behind, slows writes); `async` catches up in the background.
 * State must be JSON: it is stored with the checkpoint so every process shares it, and is loaded
 * and saved whole with every batch, so keep it small (counters, a few values); a read model
 * that grows with the data belongs in a `tableProjection`.
 *
 * By default each tenant has its own state, folded from its own events only, and
 * `GET /views/<name>` answers the caller's tenant's. `scope: 'all'` folds every tenant's
 * events into one state in global order; its `read` must then pick what the caller may see.
 */
export interface Projection<S extends JsonValue = any> {
  name: string
  mode?: 'inline' | 'async'
  /** `'tenant'` (default): one state per tenant. `'all'`: one state over every tenant. */
  scope?: 'tenant' | 'all'
  initialState: S
  /** Only these event types are folded; the checkpoint still moves past the others. */
  types?: readonly string[]
  /** Return the next state; do not mutate `state`. */
  apply(state: S, event: ProjectedEvent): S | Promise<S>
  /**
   * The body of `GET /views/<name>`; default the whole state, which is then refused (403) to a
   * principal with `canRead`: it is folded from every stream.
   */
  read?(state: S, context: ViewContext): unknown
  /** Events folded per checkpoint save when catching up; default 256. */
  batchSize?: number
  /**
   * Scrubs a forgotten subject from the state (see `ForgetHook`: mutate the immer draft or
   * return the next state), so that a forget costs the state's size. Without it a forget folds
   * the projection again from the first event.
   */
  forget?: ForgetHook<S>
}

/** A schema for whole events (`{ stream, type, payload }`), or one per event type for payloads. */
export type EventValidator = StandardSchemaV1 | { [type: string]: StandardSchemaV1 }

export interface Limits {
  /** Request body bytes, after decompression. Default 1 MiB. */
  maxBodyBytes: number
  /** Events per `POST /events`. Default 1000. */
  maxEventsPerBatch: number
  /**
   * Bytes of one event's content (its fields but `clientSeq`, as JSON). Default 64 KiB. An event
   * over it is rejected alone (`too_large`), not the request.
   */
  maxEventBytes: number
  /** `limit` of `GET /events`: default and maximum. Default 100 and 1000. */
  defaultReadLimit: number
  maxReadLimit: number
  /**
   * UTF-8 bytes of the events in one `GET /events` answer (their JSON joined by commas). Default
   * 4 MiB. A page stops before the event that would take it past this (`hasMore: true`, the
   * token after the last event sent): without it a page of `maxReadLimit` events of
   * `maxEventBytes` each is 64 MiB built in memory for one reader. A page always holds at least
   * one event, so an event larger than this is still read.
   */
  maxReadBytes: number
  /** Longest long poll; longer `wait`s are shortened. Default 30 s. */
  maxWaitMs: number
  /** How long `GET /views/<name>` waits for its projection. Default 5 s. */
  viewWaitMs: number
  /** Seconds in `Retry-After` of a 503. Default 1. */
  retryAfterSeconds: number
  /** SSE comment interval keeping proxies from closing the stream. Default 15 s. */
  heartbeatMs: number
  /**
   * Requests held open waiting (long polls, and view and snapshot reads waiting for their
   * projection), in all, per tenant and per principal; past any, 503 with `Retry-After`.
   * Default 10,000, 1,000 and 32. The share per tenant keeps one tenant's many principals from
   * taking every slot and starving the others: past its share, a tenant takes more only while
   * fewer than half of `maxLongPolls` are held (a server of one tenant may raise the share to
   * the total).
   */
  maxLongPolls: number
  maxLongPollsPerTenant: number
  maxLongPollsPerPrincipal: number
  /**
   * Open `GET /events/stream` streams, in all, per tenant (soft, as for long polls) and per
   * principal. Default 10,000, 1,000 and 32.
   */
  maxStreams: number
  maxStreamsPerTenant: number
  maxStreamsPerPrincipal: number
}

export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 1024 * 1024,
  maxEventsPerBatch: 1000,
  maxEventBytes: 64 * 1024,
  defaultReadLimit: 100,
  maxReadLimit: 1000,
  maxReadBytes: 4 * 1024 * 1024,
  maxWaitMs: 30_000,
  viewWaitMs: 5_000,
  retryAfterSeconds: 1,
  heartbeatMs: 15_000,
  maxLongPolls: 10_000,
  maxLongPollsPerTenant: 1_000,
  maxLongPollsPerPrincipal: 32,
  maxStreams: 10_000,
  maxStreamsPerTenant: 1_000,
  maxStreamsPerPrincipal: 32,
}

/** Cross-origin access for browser apps served from other origins. */
export interface CorsOptions {
  /**
   * Origins that may call, like `'https://app.example.com'`, or a function deciding per origin.
   * `'*'` allows any origin (then without credentials).
   */
  origin: string | readonly string[] | ((origin: string) => boolean)
  /**
   * Lets browsers send cookies or HTTP authentication along (`Access-Control-Allow-Credentials`).
   * Default false: a bearer token in `Authorization` needs none.
   */
  credentials?: boolean
  /** How long a browser may reuse a preflight answer. Default 600 s. */
  maxAgeSeconds?: number
}

export interface EventServerOptions {
  storage: Storage
  /** JSON projections (small values) and `tableProjection`s (SQL tables). */
  projections?: readonly (Projection | TableProjection)[]
  /** How table projections look for work and retry a failed `apply`. */
  tables?: TableRunnerOptions
  /**
   * The app's reducer folded per tenant, served by `GET /snapshots/<name>`, so a device with no
   * snapshot of its own boots from the state (`connectSync(store, { snapshot: name })`).
   */
  snapshots?: readonly SnapshotConfig[]
  /**
   * Who is calling. Without it every caller is one anonymous principal of the default tenant:
   * `serve()` then listens on loopback only.
   */
  authorize?: Authorize
  validate?: EventValidator
  /**
   * Personal fields per event type and whose they are: stored encrypted with the subject's key,
   * readable until `POST /subjects/<id>/forget` deletes the key (then `{ erased: true }`).
   */
  personal?: PersonalData
  /**
   * Told after each forget (the key is gone; JSON projections, snapshots and table projections
   * are scrubbed by their `forget` hooks or folded again), for read models the server does not
   * keep itself.
   */
  onForget?: (info: { tenant: string; subject: string }) => void | Promise<void>
  limits?: Partial<Limits>
  /** Mount point, like `/api`. Default ''. */
  basePath?: string
  /**
   * Host names requests may be addressed to besides localhost, `*.localhost` and IP addresses
   * (`.example.com` for a domain and its subdomains; `true` for any): others get 403, which
   * keeps out pages on a rebound DNS name. Default: no check here, as the app that mounts the
   * handler owns its hosts; `serve()` checks by default.
   */
  allowedHosts?: AllowedHosts
  /** Cross-origin requests from browsers: off (same origin only) unless given. */
  cors?: CorsOptions
  /** Hears unexpected errors (storage failures, projection errors); default console.error. */
  onError?: (error: unknown) => void
}

export interface EventServer {
  fetch(request: Request): Promise<Response>
  /** Requests held open now, for metrics and health checks. */
  stats(): { longPolls: number; streams: number }
  /** Ends long polls, event streams and projection loops; leaves the storage open. */
  close(): Promise<void>
}
