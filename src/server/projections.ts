import { type JsonValue, StrataWireError } from '../protocol'
import { Signal, waitFor } from './signal'
import type {
  Checkpoint,
  Commit,
  ProjectedEvent,
  Projection,
  Storage,
  StorageTx,
  StoredEvent,
} from './types'

const DEFAULT_BATCH = 256

function toProjected({ fingerprint: _, ...event }: StoredEvent): ProjectedEvent {
  return event
}

/** One state over every tenant, in global order; else one per tenant, in tenant order. */
export const overAllTenants = (projection: Projection) => projection.scope === 'all'

/** Where an event is in the order the projection follows. */
const positionIn = (projection: Projection, event: StoredEvent) =>
  overAllTenants(projection) ? event.position : event.tenantPosition

/** Folds events into a state; a projection's error becomes a typed `internal` error naming it. */
export async function fold(
  projection: Projection,
  state: JsonValue,
  events: readonly StoredEvent[],
): Promise<JsonValue> {
  for (const event of events) {
    if (projection.types && !projection.types.includes(event.type)) continue
    try {
      state = await projection.apply(state, toProjected(event))
    } catch (cause) {
      // The position in the projection's own order: a tenant's never names a global one.
      const position = positionIn(projection, event)
      throw new StrataWireError(
        'internal',
        `Projection ${JSON.stringify(projection.name)} failed on event ${position}`,
        { cause, details: { projection: projection.name, position } },
      )
    }
  }
  return state
}

export const initial = (projection: Projection): JsonValue =>
  structuredClone(projection.initialState) as JsonValue

/**
 * Folds the stored events after `from` up to and including `until` (in the projection's own
 * order, within `tenant` unless it is over all tenants) into `state`, a batch at a time, inside
 * the transaction: an inline projection's catch-up, and a forget's fold from the first event.
 */
export async function foldStored(
  tx: StorageTx,
  projection: Projection,
  state: JsonValue,
  from: number,
  until: number,
  tenant: string | undefined,
): Promise<JsonValue> {
  let position = from
  while (position < until) {
    const batch = (
      await tx.readEvents(position, projection.batchSize ?? DEFAULT_BATCH, tenant)
    ).filter((e) => positionIn(projection, e) <= until)
    if (!batch.length) break
    state = await fold(projection, state, batch)
    position = positionIn(projection, batch.at(-1)!)
  }
  return state
}

/** What an append read before writing: the global head and its tenant's. */
export interface AppendHeads {
  head: number
  tenant: string
  tenantHead: number
}

/**
 * Inline projections fold the append's new events inside its transaction, so they are never
 * behind a committed event. One that has never run (or was added later) first catches up on the
 * events committed before this append, still inside the transaction. A projection per tenant
 * touches only the append's tenant.
 */
export async function applyInline(
  tx: StorageTx,
  projections: readonly Projection[],
  inserts: readonly StoredEvent[],
  heads: AppendHeads,
): Promise<void> {
  for (const projection of projections) {
    const all = overAllTenants(projection)
    const tenant = all ? undefined : heads.tenant
    const before = all ? heads.head : heads.tenantHead
    const checkpoint = await tx.loadCheckpoint(projection.name, tenant)
    const position = checkpoint?.position ?? 0
    if (position >= before && !inserts.length) continue
    let state = checkpoint ? checkpoint.state : initial(projection)
    state = await foldStored(tx, projection, state, position, before, tenant)
    state = await fold(projection, state, inserts)
    const last = inserts.at(-1)
    await tx.saveCheckpoint(
      projection.name,
      { position: last ? positionIn(projection, last) : before, state },
      tenant,
    )
  }
}

/** A checkpoint's identity: a projection, and its tenant unless it is over all tenants. */
interface Target {
  projection: Projection
  tenant: string | undefined
}

const keyOf = (name: string, tenant: string | undefined) =>
  tenant === undefined ? `*${name}` : `t${tenant}\u0000${name}`

/**
 * Keeps every projection caught up in the background and lets readers wait for one to reach a
 * position. Each process runs its own loop; checkpoints are saved compare-and-set, so when
 * several processes fold the same events only one save wins and the others reload it. A
 * projection per tenant catches up a tenant when that tenant's events commit or one of its
 * readers waits: nothing is folded for tenants nobody writes or reads.
 */
export class ProjectionRunner {
  readonly #storage: Storage
  readonly #projections: ReadonlyMap<string, Projection>
  readonly #onError: (error: unknown) => void
  readonly #progress = new Signal<string>()
  readonly #running = new Map<string, Promise<void>>()
  readonly #again = new Set<string>()
  /** Targets with waiting readers, by key, with how many wait. */
  readonly #watched = new Map<string, { target: Target; count: number }>()
  readonly #unsubscribe: () => void
  #closed = false

  constructor(
    storage: Storage,
    projections: readonly Projection[],
    onError: (error: unknown) => void,
  ) {
    this.#storage = storage
    this.#projections = new Map(projections.map((p) => [p.name, p]))
    if (this.#projections.size !== projections.length)
      throw new TypeError('[strata] projection names must be unique')
    this.#onError = onError
    this.#unsubscribe = storage.subscribe((commit) => this.#onCommit(commit))
    for (const projection of projections) {
      if (overAllTenants(projection)) this.#schedule({ projection, tenant: undefined })
    }
  }

  get(name: string): Projection | undefined {
    return this.#projections.get(name)
  }

  #onCommit(commit: Commit): void {
    for (const projection of this.#projections.values()) {
      if (overAllTenants(projection)) this.#schedule({ projection, tenant: undefined })
      else if (commit.tenants) {
        for (const tenant of commit.tenants.keys()) this.#schedule({ projection, tenant })
      }
    }
    // Which tenants moved is unknown: catch up those somebody waits for; the rest on demand.
    if (!commit.tenants) for (const { target } of this.#watched.values()) this.#schedule(target)
  }

  /** Starts a catch-up; one already running runs once more after. */
  #schedule(target: Target): void {
    if (this.#closed) return
    const key = keyOf(target.projection.name, target.tenant)
    if (this.#running.has(key)) {
      this.#again.add(key)
      return
    }
    const run = this.#catchUp(target, key)
      .catch((error) => {
        if (this.#closed) return
        this.#onError(error)
        // Retry later: a failing projection stays behind, and readers get 503s, not stale data.
        if (!this.#closed) setTimeout(() => this.#schedule(target), 1000).unref?.()
      })
      .finally(() => {
        this.#running.delete(key)
        if (this.#again.delete(key)) this.#schedule(target)
      })
    this.#running.set(key, run)
  }

  async #catchUp({ projection, tenant }: Target, key: string): Promise<void> {
    const limit = projection.batchSize ?? DEFAULT_BATCH
    while (!this.#closed) {
      const checkpoint = await this.#storage.loadCheckpoint(projection.name, tenant)
      const after = checkpoint?.position ?? 0
      const { events, head } = await this.#storage.read({ after, limit, tenant })
      if (checkpoint && !events.length && after >= head) break
      const state = await fold(
        projection,
        checkpoint ? checkpoint.state : initial(projection),
        events,
      )
      // Fewer events than asked: everything up to the snapshot's head has been folded.
      const position = events.length === limit ? positionIn(projection, events.at(-1)!) : head
      await this.#storage.saveCheckpoint(
        projection.name,
        checkpoint?.position ?? null,
        { position, state },
        tenant,
      )
      this.#progress.emit(key)
    }
    this.#progress.emit(key)
  }

  /**
   * The checkpoint (a tenant's, or the one over all tenants when `tenant` is undefined) once it
   * has reached `position`, or undefined after `timeoutMs`.
   */
  async waitFor(
    name: string,
    tenant: string | undefined,
    position: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<Checkpoint | undefined> {
    const projection = this.#projections.get(name)!
    const target: Target = { projection, tenant }
    const key = keyOf(name, tenant)
    const watched = this.#watched.get(key) ?? { target, count: 0 }
    watched.count++
    this.#watched.set(key, watched)
    let kicked = false
    try {
      return await waitFor({
        subscribe: (wake) => this.#progress.subscribe((k) => k === key && wake()),
        check: async () => {
          const checkpoint = await this.#storage.loadCheckpoint(name, tenant)
          if (checkpoint && checkpoint.position >= position) return checkpoint
          // Behind: make sure one catch-up is under way; later wake-ups come from its progress.
          if (!kicked) this.#schedule(target)
          kicked = true
          return undefined
        },
        timeoutMs,
        signal,
      })
    } finally {
      if (--watched.count === 0) this.#watched.delete(key)
    }
  }

  /** Stops the loops. A fold under way is not awaited: a stuck projection must not block shutdown. */
  async close(): Promise<void> {
    this.#closed = true
    this.#unsubscribe()
  }
}
