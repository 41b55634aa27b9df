import { type JsonValue, StrataWireError } from '../protocol'
import { Signal, waitFor } from './signal'
import type {
  Checkpoint,
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
      throw new StrataWireError(
        'internal',
        `Projection ${JSON.stringify(projection.name)} failed on event ${event.position}`,
        {
          cause,
          details: { projection: projection.name, position: event.position },
        },
      )
    }
  }
  return state
}

const initial = (projection: Projection): JsonValue =>
  structuredClone(projection.initialState) as JsonValue

/**
 * Inline projections fold the append's new events inside its transaction, so they are never
 * behind a committed event. One that has never run (or was added later) first catches up on the
 * events committed before this append, still inside the transaction.
 */
export async function applyInline(
  tx: StorageTx,
  projections: readonly Projection[],
  inserts: readonly StoredEvent[],
  headBefore: number,
): Promise<void> {
  for (const projection of projections) {
    const checkpoint = await tx.loadCheckpoint(projection.name)
    let position = checkpoint?.position ?? 0
    if (checkpoint && position >= headBefore && !inserts.length) continue
    let state = checkpoint ? checkpoint.state : initial(projection)
    while (position < headBefore) {
      const batch = (await tx.readEvents(position, projection.batchSize ?? DEFAULT_BATCH)).filter(
        (e) => e.position <= headBefore,
      )
      if (!batch.length) break
      state = await fold(projection, state, batch)
      position = batch.at(-1)!.position
    }
    state = await fold(projection, state, inserts)
    await tx.saveCheckpoint(projection.name, {
      position: inserts.at(-1)?.position ?? headBefore,
      state,
    })
  }
}

/**
 * Keeps every projection caught up in the background and lets readers wait for one to reach a
 * position. Each process runs its own loop; checkpoints are saved compare-and-set, so when
 * several processes fold the same events only one save wins and the others reload it.
 */
export class ProjectionRunner {
  readonly #storage: Storage
  readonly #projections: ReadonlyMap<string, Projection>
  readonly #onError: (error: unknown) => void
  readonly #progress = new Signal<string>()
  readonly #running = new Map<string, Promise<void>>()
  readonly #again = new Set<string>()
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
    this.#unsubscribe = storage.subscribe(() => this.kick())
    this.kick()
  }

  get(name: string): Projection | undefined {
    return this.#projections.get(name)
  }

  /** Starts a catch-up of every projection; one already running runs once more after. */
  kick(): void {
    for (const name of this.#projections.keys()) this.#schedule(name)
  }

  #schedule(name: string): void {
    if (this.#closed) return
    if (this.#running.has(name)) {
      this.#again.add(name)
      return
    }
    const run = this.#catchUp(this.#projections.get(name)!)
      .catch((error) => {
        if (this.#closed) return
        this.#onError(error)
        // Retry later: a failing projection stays behind, and readers get 503s, not stale data.
        if (!this.#closed) setTimeout(() => this.#schedule(name), 1000).unref?.()
      })
      .finally(() => {
        this.#running.delete(name)
        if (this.#again.delete(name)) this.#schedule(name)
      })
    this.#running.set(name, run)
  }

  async #catchUp(projection: Projection): Promise<void> {
    const limit = projection.batchSize ?? DEFAULT_BATCH
    while (!this.#closed) {
      const checkpoint = await this.#storage.loadCheckpoint(projection.name)
      const after = checkpoint?.position ?? 0
      const { events, head } = await this.#storage.read({ after, limit })
      if (checkpoint && !events.length && after >= head) break
      const state = await fold(
        projection,
        checkpoint ? checkpoint.state : initial(projection),
        events,
      )
      // Fewer events than asked: everything up to the snapshot's head has been folded.
      const position = events.length === limit ? events.at(-1)!.position : head
      await this.#storage.saveCheckpoint(projection.name, checkpoint?.position ?? null, {
        position,
        state,
      })
      this.#progress.emit(projection.name)
    }
    this.#progress.emit(projection.name)
  }

  /** The checkpoint once it has reached `position`, or undefined after `timeoutMs`. */
  waitFor(
    name: string,
    position: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<Checkpoint | undefined> {
    let kicked = false
    return waitFor({
      subscribe: (wake) => this.#progress.subscribe((n) => n === name && wake()),
      check: async () => {
        const checkpoint = await this.#storage.loadCheckpoint(name)
        if (checkpoint && checkpoint.position >= position) return checkpoint
        // Behind: make sure one catch-up is under way; later wake-ups come from its progress.
        if (!kicked) this.#schedule(name)
        kicked = true
        return undefined
      },
      timeoutMs,
      signal,
    })
  }

  /** Stops the loops. A fold under way is not awaited: a stuck projection must not block shutdown. */
  async close(): Promise<void> {
    this.#closed = true
    this.#unsubscribe()
  }
}
