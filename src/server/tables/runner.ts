import { Signal } from '../signal'
import type { Storage } from '../types'
import { ApplyFailure, applyEvents } from './apply'
import { ddlOf, type TableProjection, tableMap } from './define'
import { fillHold, keepHoldBefore, shadowMap, stopTenant, unheld } from './held'
import { type Hold, holdsDdl, holdsOf } from './holds'
import {
  dropGeneration,
  type Generation,
  generations,
  metaDdl,
  prepare,
  saveProgress,
  setStatus,
} from './meta'
import type { TableMap } from './scoped'
import type { TableStorage, TableTx } from './storage'

export interface TableRunnerOptions {
  /** How often to look for work another process or the CLI left (a rebuild). Default 1000 ms. */
  pollMs?: number
  /** How long a failed async projection waits before trying its event again. Default 30 s. */
  retryMs?: number
}

type Outcome = 'idle' | 'busy' | 'more' | 'done' | 'failed' | 'switched' | 'swapped'

/**
 * Applies table projections in the background: async ones always, and any generation being
 * built (a new version, a rebuild). Each batch is one transaction that locks the generation's
 * row, reads its position, applies the events after it and moves the position, so a crash
 * never applies an event twice or skips one, and a reader never sees rows past a gap. With
 * several server processes one holds the projection's lock per batch (PostgreSQL advisory
 * lock; SQLite's write lock); the others skip it.
 *
 * An `apply` that throws stops at that event what the event belongs to: its tenant, in a
 * projection per tenant (the others go on: see holds.ts), else the whole generation. The events
 * before it are kept, the error is recorded (status endpoint, CLI), views keep answering at its
 * position, and the event is tried again after `retryMs` or on a restart with fixed code. JSON
 * projections per tenant stop the same way, each tenant's fold on its own.
 */
export class TableRunner {
  /** The inline projections, which appends apply. */
  readonly inline: readonly TableProjection[]
  #ready: Promise<void>
  #unready = false
  readonly progress = new Signal<string>()
  readonly #tables: TableStorage
  readonly #projections: ReadonlyMap<string, TableProjection>
  readonly #onError: (error: unknown) => void
  readonly #maps = new Map<string, TableMap>()
  readonly #shadows = new Map<string, TableMap>()
  /** Per projection, the tenant whose hold had the last batch: holds take turns. */
  readonly #lastHold = new Map<string, string>()
  /** Projections whose last batch saw a held tenant. */
  readonly #withHolds = new Set<string>()
  readonly #running = new Map<string, Promise<void>>()
  readonly #again = new Set<string>()
  readonly #retryAt = new Map<string, number>()
  readonly #retryMs: number
  readonly #unsubscribe: () => void
  readonly #timer: ReturnType<typeof setInterval> | undefined
  /** Projections this process's code is too old for (a newer version is live). */
  readonly #stale = new Set<string>()
  /** Inline projections whose last look found nothing to do. */
  readonly #quiet = new Set<string>()
  #closed = false
  readonly #wipe: (() => Promise<void>) | undefined

  constructor(
    storage: Storage,
    projections: readonly TableProjection[],
    onError: (error: unknown) => void,
    options: TableRunnerOptions = {},
  ) {
    this.#tables = storage.tables!
    this.#wipe = storage.wipeDeleted && (() => storage.wipeDeleted!())
    this.#projections = new Map(projections.map((p) => [p.name, p]))
    this.#onError = onError
    this.#retryMs = options.retryMs ?? 30_000
    this.inline = projections.filter((p) => p.mode === 'inline')
    this.#ready = this.#prepare(projections)
    this.#unsubscribe = storage.subscribe(() => this.kickAll(true))
    this.#timer = projections.length
      ? setInterval(() => this.kickAll(), options.pollMs ?? 1000)
      : undefined
    this.#timer?.unref?.()
  }

  get(name: string): TableProjection | undefined {
    return this.#projections.get(name)
  }

  /**
   * Settles once this code's generations and tables exist. A start that failed (the database
   * was down) is tried again by the next caller.
   */
  get ready(): Promise<void> {
    if (this.#unready) {
      this.#unready = false
      this.#ready = this.#prepare([...this.#projections.values()])
    }
    return this.#ready
  }

  #prepare(projections: readonly TableProjection[]): Promise<void> {
    const ready = this.#tables
      .write(async (tx) => {
        // Two processes starting at once would race on creating the tables.
        if (tx.dialect.kind === 'postgres')
          await tx.db.run('SELECT pg_advisory_xact_lock(hashtext(?))', [tx.dialect.meta])
        await tx.db.run(metaDdl(tx.dialect))
        await tx.db.run(holdsDdl(tx.dialect))
        const empty = !(await tx.readEvents(0, 1)).length
        for (const projection of projections) {
          if (!(await prepare(tx, projection, empty))) this.#stale.add(projection.name)
        }
      })
      .then(() => this.kickAll())
    ready.catch((error) => {
      this.#unready = true
      if (!this.#closed) this.#onError(error)
    })
    return ready
  }

  /** The table map of one generation (cached: rewritten statements are cached per map). */
  mapOf = (projection: TableProjection, generation: number): TableMap => {
    const key = `${projection.name}\u0000${generation}`
    let map = this.#maps.get(key)
    if (!map) {
      map = tableMap(projection, generation, this.#tables.dialect)
      this.#maps.set(key, map)
    }
    return map
  }

  /** The shadow tables of a generation, where tenants' rebuilds go (cached as `mapOf`). */
  #shadowOf(projection: TableProjection, gen: Generation): TableMap {
    const key = `${projection.name}\u0000${gen.generation}`
    let map = this.#shadows.get(key)
    if (!map) {
      map = shadowMap(this.mapOf(projection, gen.generation), gen)
      this.#shadows.set(key, map)
    }
    return map
  }

  isStale(name: string): boolean {
    return this.#stale.has(name)
  }

  /**
   * Kicks every projection; after a commit, not the inline ones found with nothing to do (their
   * appends apply them), so an append does not cost a second transaction.
   */
  kickAll(commit = false): void {
    for (const name of this.#projections.keys()) {
      if (!commit || !this.#quiet.has(name)) this.kick(name)
    }
  }

  /** Starts a catch-up of one projection; one already running runs once more after. */
  kick(name: string): void {
    if (this.#closed || this.#stale.has(name)) return
    if (this.#running.has(name)) {
      this.#again.add(name)
      return
    }
    const run = this.#catchUp(this.#projections.get(name)!)
      .catch((error) => {
        if (!this.#closed) this.#onError(error)
      })
      .finally(() => {
        this.#running.delete(name)
        if (this.#again.delete(name)) this.kick(name)
      })
    this.#running.set(name, run)
  }

  async #catchUp(projection: TableProjection): Promise<void> {
    await this.ready
    for (;;) {
      if (this.#closed) return
      const outcome = await this.#batch(projection)
      // Then one batch of a held tenant, so that neither waits for the other to catch up (when
      // the generation's batch saw holds: none costs no transaction more).
      const held = this.#withHolds.has(projection.name) ? await this.#holdBatch(projection) : 'idle'
      const idle = outcome === 'idle' && held === 'idle'
      if (idle && projection.mode === 'inline') this.#quiet.add(projection.name)
      else this.#quiet.delete(projection.name)
      const moved = (o: Outcome) => o !== 'idle' && o !== 'busy'
      if (moved(outcome) || moved(held)) this.progress.emit(projection.name)
      if (outcome === 'switched') await this.#dropRetired(projection)
      // The rows a forget's rebuild replaced (or a generation dropped) held its fields: wiped
      // from the store's files as the forget's own deletions were (it answered before this).
      if (outcome === 'switched' || held === 'swapped') await this.#wipe?.()
      if (outcome !== 'more' && held !== 'more') return
    }
  }

  /** One transaction: the next batch of events for the generation that needs them. */
  async #batch(projection: TableProjection): Promise<Outcome> {
    try {
      return await this.#tables.write(async (tx) => {
        if (!(await tx.tryLock(`tp:${projection.name}`))) return 'busy'
        const gen = await this.#target(tx, projection)
        if (!gen) return 'idle'
        if (gen.error && Date.now() < (this.#retryAt.get(projection.name) ?? 0)) return 'failed'
        const map = this.mapOf(projection, gen.generation)
        // A rebuild asked for by the CLI has no tables yet.
        if (gen.position === 0)
          for (const statement of ddlOf(projection, map, tx.dialect)) await tx.db.run(statement)
        const events = await tx.readEvents(gen.position, projection.batchSize)
        await applyEvents(tx, projection, map, unheld(events, await this.#stopped(tx, gen)))
        const position = events.at(-1)?.position ?? gen.position
        if (events.length || gen.error) await saveProgress(tx.db, tx.dialect, gen, position, null)
        if (events.length === projection.batchSize) return 'more'
        if (gen.status !== 'building') return events.length ? 'done' : 'idle'
        // Caught up: reads switch to this generation, in the same transaction.
        for (const old of await generations(tx.db, tx.dialect, projection.name, true)) {
          if (old.status === 'live') await setStatus(tx.db, tx.dialect, old, 'retired')
        }
        await setStatus(tx.db, tx.dialect, gen, 'live')
        return 'switched'
      })
    } catch (error) {
      if (!(error instanceof ApplyFailure)) throw error
      await this.#keepBefore(projection, error)
      return projection.scope === 'tenant' ? 'more' : 'failed'
    }
  }

  /**
   * The tenants a generation of a projection per tenant skips (none over all tenants); notes
   * whether it has holds of any kind, for `#catchUp` to work on them.
   */
  #stopped = async (tx: TableTx, gen: Generation): Promise<Set<string>> => {
    if (this.#projections.get(gen.name)!.scope !== 'tenant') return new Set()
    const holds = await holdsOf(tx.db, tx.dialect, gen)
    // While it is built, the live generation beside it has held tenants of its own too.
    const beside = gen.status === 'building' ? await this.#liveBeside(tx, gen) : undefined
    const more = beside ? (await holdsOf(tx.db, tx.dialect, beside)).length : 0
    if (holds.length || more) this.#withHolds.add(gen.name)
    else this.#withHolds.delete(gen.name)
    return new Set(holds.filter((h) => h.kind === 'stopped').map((h) => h.tenant))
  }

  /** The live generation of the same version as one being built (a rebuild), if any. */
  async #liveBeside(tx: TableTx, gen: Generation): Promise<Generation | undefined> {
    return (await generations(tx.db, tx.dialect, gen.name)).find(
      (g) => g.status === 'live' && g.version === gen.version,
    )
  }

  /**
   * One batch of a held tenant whose turn it is (see holds.ts), in its own transaction: of the
   * generation worked on, or of the live one of this version beside it while it is built (a
   * forget's rebuild of a tenant there must not wait until the new one goes live: its reads do).
   */
  async #holdBatch(projection: TableProjection): Promise<Outcome> {
    const { name } = projection
    let picked: Generation | undefined
    try {
      return await this.#tables.write(async (tx) => {
        if (!(await tx.tryLock(`tp:${name}`))) return 'busy'
        const target = await this.#target(tx, projection)
        if (!target) return 'idle'
        const beside = target.status === 'building' ? await this.#liveBeside(tx, target) : undefined
        const due: { gen: Generation; hold: Hold; turn: string }[] = []
        for (const gen of beside ? [target, beside] : [target]) {
          for (const hold of await holdsOf(tx.db, tx.dialect, gen)) {
            const retry = this.#retryAt.get(`${name}\u0000${hold.tenant}`) ?? 0
            if (hold.error && Date.now() < retry) continue
            due.push({ gen, hold, turn: `${hold.tenant}\u0000${gen.generation}` })
          }
        }
        due.sort((a, b) => (a.turn < b.turn ? -1 : a.turn > b.turn ? 1 : 0))
        const last = this.#lastHold.get(name)
        const next = due.find((d) => last !== undefined && d.turn > last) ?? due[0]
        if (!next) return 'idle'
        this.#lastHold.set(name, next.turn)
        picked = next.gen
        const map = this.mapOf(projection, next.gen.generation)
        return fillHold(
          tx,
          projection,
          next.gen,
          next.hold,
          map,
          this.#shadowOf(projection, next.gen),
        )
      })
    } catch (error) {
      if (!(error instanceof ApplyFailure) || !picked) throw error
      const failure = error.failure()
      const failed = picked.generation
      this.#retryAt.set(`${name}\u0000${failure.tenant}`, Date.now() + this.#retryMs)
      this.#onError(error)
      await this.#tables.write(async (tx) => {
        if (!(await tx.tryLock(`tp:${name}`))) return
        const gens = await generations(tx.db, tx.dialect, name, true)
        const gen = gens.find((g) => g.generation === failed && g.status !== 'retired')
        if (!gen) return
        const map = this.mapOf(projection, gen.generation)
        const shadow = this.#shadowOf(projection, gen)
        await keepHoldBefore(tx, projection, gen, failure.tenant, failure, map, shadow)
      })
      setTimeout(() => this.kick(name), this.#retryMs).unref?.()
      return 'failed'
    }
  }

  /** The generation to work on: one being built of this version, else an async live one. */
  async #target(tx: TableTx, projection: TableProjection): Promise<Generation | undefined> {
    const gens = await generations(tx.db, tx.dialect, projection.name, true)
    const own = gens.filter((g) => g.version === projection.version)
    // An inline one that is behind (it went live while appends waited) catches up here too.
    return own.find((g) => g.status === 'building') ?? own.find((g) => g.status === 'live')
  }

  /**
   * After a failed batch: applies the events before the failing one, and records the error: on
   * the failing event's tenant (which stops there; the generation goes past the event) in a
   * projection per tenant, else on the generation.
   */
  async #keepBefore(projection: TableProjection, failed: ApplyFailure): Promise<void> {
    const failure = failed.failure()
    const perTenant = projection.scope === 'tenant'
    const retry = perTenant ? `${projection.name}\u0000${failure.tenant}` : projection.name
    this.#retryAt.set(retry, Date.now() + this.#retryMs)
    this.#onError(failed)
    await this.#tables.write(async (tx) => {
      if (!(await tx.tryLock(`tp:${projection.name}`))) return
      const gen = await this.#target(tx, projection)
      if (!gen) return
      const map = this.mapOf(projection, gen.generation)
      const events = (await tx.readEvents(gen.position, projection.batchSize)).filter(
        (e) => e.position < failure.position,
      )
      await applyEvents(tx, projection, map, unheld(events, await this.#stopped(tx, gen)))
      if (perTenant) {
        await stopTenant(tx, gen, failure, map, this.#shadowOf(projection, gen))
        await saveProgress(tx.db, tx.dialect, gen, failure.position, null)
      } else
        await saveProgress(tx.db, tx.dialect, gen, events.at(-1)?.position ?? gen.position, failure)
    })
    setTimeout(() => this.kick(projection.name), this.#retryMs).unref?.()
  }

  async #dropRetired(projection: TableProjection): Promise<void> {
    await this.#tables.write(async (tx) => {
      for (const gen of await generations(tx.db, tx.dialect, projection.name, true)) {
        if (gen.status === 'retired') await dropGeneration(tx.db, tx.dialect, gen)
      }
    })
  }

  /** Stops the loops. A batch under way is not awaited: a stuck `apply` must not block shutdown. */
  async close(): Promise<void> {
    this.#closed = true
    this.#unsubscribe()
    if (this.#timer) clearInterval(this.#timer)
  }
}
