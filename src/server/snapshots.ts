import { StrataWireError } from '../protocol'
import type { ForgetContext } from './erasure/scrub'
import { Signal, waitFor } from './signal'
import { KeptCache } from './snapshotCache'
import { type ResolvedSnapshot, resolveConfigs, type SnapshotConfig } from './snapshotConfig'
import {
  type Hole,
  installForget,
  keptName,
  keptPrefix,
  latestName,
  type ScrubbedSnapshots,
  saveUnlessForgotten,
  scrubSnapshots,
} from './snapshotErasure'
import { foldRun } from './snapshotFold'
import {
  initialServed,
  keep,
  type Live,
  liveFrom,
  type Refill,
  type ServedSnapshot,
  servedFrom,
} from './snapshotLive'
import { noteStream } from './snapshotStreams'
import type { Checkpoint, Commit, Storage, StorageTx, StoredEvent } from './types'

const BATCH = 1000
/** Save the latest state after this many events, or this long after the last unsaved one. */
const SAVE_EVERY = 1000
const SAVE_MS = 1000
/** Tenants whose live state stays in memory between catch-ups. */
const LIVE_KEPT = 64

export type { ServedSnapshot, SnapshotConfig }
export { keptName, latestName }

export class SnapshotRunner {
  readonly #storage: Storage
  readonly #configs: ReadonlyMap<string, ResolvedSnapshot>
  readonly #onError: (error: unknown) => void
  readonly #live = new Map<string, Live>()
  readonly #initial = new Map<string, ServedSnapshot>()
  /** States kept for paging back, as their answers' text (snapshotCache.ts). */
  readonly #kept = new KeptCache()
  readonly #running = new Map<string, Promise<void>>()
  readonly #again = new Set<string>()
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>()
  /** Whether saves check for a forget since their state started (the server has personal data). */
  readonly #erasure: boolean
  /** Holes a forget's transaction left in kept states, by tenant, refolded once it committed. */
  readonly #holes = new Map<string, Hole[]>()
  readonly #refills = new Map<string, Refill>()
  readonly #saved = new Signal<string>()
  readonly #unsubscribe: () => void
  #closed = false

  constructor(
    storage: Storage,
    configs: readonly SnapshotConfig[],
    onError: (e: unknown) => void,
    options: { erasure?: boolean } = {},
  ) {
    this.#storage = storage
    this.#onError = onError
    this.#erasure = options.erasure === true && storage.erasures !== undefined
    this.#configs = resolveConfigs(configs)
    this.#unsubscribe = storage.subscribe((commit) => this.#onCommit(commit))
  }

  /** How many snapshots are declared. */
  get size(): number {
    return this.#configs.size
  }

  has(name: string): boolean {
    return this.#configs.has(name)
  }

  versionOf(name: string): string {
    return String(this.#configs.get(name)!.version)
  }

  /**
   * The tenant's latest snapshot of `name`: caught up with the tenant's events when that takes
   * less than `waitMs` (else the one saved last), waiting as long for a first one when none of
   * this version exists yet.
   */
  async latest(name: string, tenant: string, waitMs: number, signal?: AbortSignal) {
    const key = keyOf(name, tenant)
    const config = this.#configs.get(name)!
    this.#schedule(name, tenant)
    const running = this.#running.get(key)
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), waitMs)
    })
    const caughtUp = running
      ? await Promise.race([running.then(() => 'done' as const), late])
      : 'done'
    clearTimeout(timer)
    const live = this.#live.get(key)
    if (caughtUp === 'done' && !this.#running.has(key)) {
      // A tenant with no events yet has no snapshot to wait for: a first page boots at once.
      if (live?.position === 0) return undefined
      if (live?.unsaved) await this.#save(config, tenant, key, live)
    }
    return waitFor({
      subscribe: (wake) => this.#saved.subscribe((k) => k === key && wake()),
      check: () => this.#read(name, latestName(name), tenant),
      timeoutMs: waitMs,
      signal,
    })
  }

  /**
   * The kept state at least `events` before position `before`, or the initial state at 0. From
   * the tenant's head at most: a walk down from a `before` past it would look up one position
   * kept there after another (2 ** 53 / keepEvery of them from the largest token).
   */
  async before(name: string, tenant: string, before: number, events: number) {
    const config = this.#configs.get(name)!
    // Read before the state: a forget in between makes the count stale, never the state.
    const generation = this.#erasure ? await this.#storage.erasures!(tenant) : 0
    this.#kept.sync(tenant, generation)
    const target = Math.min(before, await this.#storage.head(tenant)) - events
    const top = Math.floor(target / config.keepEvery) * config.keepEvery
    const last = this.#storage.lastCheckpoint?.bind(this.#storage)
    // The kept position itself first (one key's look-up), then one query for the greatest kept
    // <= target: a forget's hole (until folded again) cost a look-up per position in it.
    for (let p = top, i = 0; p > 0; p -= config.keepEvery, i++) {
      const cached = this.#kept.get(tenant, name, config.version, p)
      if (cached) return cached
      const checkpoint =
        last && i > 0
          ? await last(keptPrefix(name), p, tenant)
          : await this.#storage.loadCheckpoint(keptName(name, p), tenant)
      const kept = this.#served(name, checkpoint)
      if (kept) return this.#kept.put(tenant, name, config.version, kept, generation)
      if (last && i > 0) break
    }
    // The initial state, serialized once (every client paging back to the first event reads it).
    let served = this.#initial.get(name)
    if (!served) {
      served = initialServed(config)
      this.#initial.set(name, served)
    }
    return served
  }

  /** Before a forget's transaction: the latest states of snapshots with a hook, scrubbed. */
  scrubForget(context: ForgetContext): Promise<ScrubbedSnapshots> {
    return scrubSnapshots(this.#storage, [...this.#configs.values()], context, this.#onError)
  }

  /** Inside it: every snapshot of the tenant without the fields of a subject first seen at `first`. */
  async installForget(
    tx: StorageTx,
    first: number,
    scrubbed: ScrubbedSnapshots,
    context: ForgetContext,
  ): Promise<void> {
    const configs = [...this.#configs.values()]
    const holes = await installForget(tx, configs, first, scrubbed, context, this.#onError)
    if (holes.length)
      this.#holes.set(context.tenant, [...(this.#holes.get(context.tenant) ?? []), ...holes])
  }

  /**
   * After it committed: the tenant's states in memory are dropped (a save of one would be
   * refused anyway) and folds start again from what the forget left.
   */
  forgotten(tenant: string): void {
    this.#kept.drop(tenant)
    // The holes it left are folded again by the catch-ups scheduled here, a slice a turn after
    // the new events. A hole of an earlier forget not yet filled joins this one's.
    for (const hole of this.#holes.get(tenant) ?? []) {
      const key = keyOf(hole.name, tenant)
      const earlier = this.#refills.get(key)?.hole
      const first = Math.min(hole.first, earlier?.first ?? hole.first)
      const until = Math.max(hole.until, earlier?.until ?? hole.until)
      this.#refills.set(key, { hole: { ...hole, first, until }, tries: 3 })
    }
    this.#holes.delete(tenant)
    for (const name of this.#configs.keys()) {
      const key = keyOf(name, tenant)
      const live = this.#live.get(key)
      if (live) live.dropped = true
      this.#live.delete(key)
      clearTimeout(this.#timers.get(key))
      this.#timers.delete(key)
      this.#schedule(name, tenant)
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#unsubscribe()
    for (const timer of this.#timers.values()) clearTimeout(timer)
  }

  async #read(name: string, checkpointName: string, tenant: string) {
    return this.#served(name, await this.#storage.loadCheckpoint(checkpointName, tenant))
  }

  #served(name: string, checkpoint: Checkpoint | undefined) {
    return servedFrom(this.versionOf(name), checkpoint)
  }

  #onCommit(commit: Commit): void {
    if (!commit.tenants) return
    for (const name of this.#configs.keys()) {
      for (const tenant of commit.tenants.keys()) this.#schedule(name, tenant)
    }
  }

  #schedule(name: string, tenant: string): void {
    if (this.#closed) return
    const key = keyOf(name, tenant)
    if (this.#running.has(key)) {
      this.#again.add(key)
      return
    }
    const run = this.#catchUp(name, tenant, key)
      .catch((error) => {
        this.#live.delete(key)
        if (this.#closed) return
        this.#onError(error)
        setTimeout(() => this.#schedule(name, tenant), 1000).unref?.()
      })
      .finally(() => {
        this.#running.delete(key)
        if (this.#again.delete(key)) this.#schedule(name, tenant)
      })
    this.#running.set(key, run)
  }

  async #catchUp(name: string, tenant: string, key: string): Promise<void> {
    const config = this.#configs.get(name)!
    let live = this.#live.get(key) ?? (await this.#load(config, tenant))
    this.#remember(key, live)
    // Dropped by a forget: it stops here (steady appends would never let it end).
    while (!this.#closed && !live.dropped) {
      const { events } = await this.#storage.read({ after: live.position, limit: BATCH, tenant })
      if (!events.length) break
      await this.#fold(config, tenant, key, live, events)
      // While catching up on a long history, a save a second (each writes the whole state).
      const due = performance.now() - live.savedAt >= SAVE_MS || events.length < BATCH
      if (live.unsaved >= SAVE_EVERY && due) live = await this.#save(config, tenant, key, live)
    }
    // Then a slice of a forget's hole, so the head never waits for a whole history's refold.
    const refill = this.#refills.get(key)
    if (refill && !this.#closed) {
      if (await this.#refill(config, tenant, refill)) this.#refills.delete(key)
      else setImmediate(() => this.#schedule(name, tenant)).unref?.()
    }
    if (live.unsaved > 0 && !live.dropped && !this.#timers.has(key)) {
      // The last events are saved after a pause, so a burst of appends is one save.
      this.#timers.set(
        key,
        setTimeout(() => {
          this.#timers.delete(key)
          const current = this.#live.get(key)
          if (!current?.unsaved) return
          // A refused save leaves the fold behind the store: catch up again (a no-op if not).
          this.#save(config, tenant, key, current)
            .then(() => this.#schedule(config.name, tenant))
            .catch(this.#onError)
        }, SAVE_MS),
      )
      this.#timers.get(key)!.unref?.()
    }
  }

  /** Folds `events` into `live`, keeping a state for paging back every `keepEvery`. */
  async #fold(
    config: ResolvedSnapshot,
    tenant: string,
    key: string,
    live: Live,
    events: StoredEvent[],
  ) {
    const { name } = config
    // Runs end where a state is kept for paging back.
    for (let start = 0; start < events.length; ) {
      const from = events[start]!.tenantPosition
      const end = Math.min(
        events.length,
        start + config.keepEvery - ((from - 1) % config.keepEvery),
      )
      const run = events.slice(start, end)
      live.state = foldRun(config, live.state, run.map(config.decode), (i, cause) =>
        // As on the client: the event keeps its error, the state stays as it was.
        this.#onError(
          new StrataWireError(
            'internal',
            `Snapshot ${JSON.stringify(name)}: the reducer threw on event ${run[i]!.tenantPosition}`,
            { cause, details: { snapshot: name, position: run[i]!.tenantPosition } },
          ),
        ),
      )
      for (const event of run) noteStream(live.streams, event.stream, event.streamVersion)
      live.position = run.at(-1)!.tenantPosition
      live.unsaved += run.length
      if (live.position % config.keepEvery === 0) await this.#keep(config, tenant, key, live)
      start = end
    }
  }

  /**
   * After a forget with a hook: the states kept from the subject's first event to the scrubbed
   * latest, folded again from the last one kept before (the events' fields now erased), a
   * slice of BATCH events a call; true when done. Refused by a later forget, it starts again
   * (that one's hole joins it), up to three times.
   */
  async #refill(config: ResolvedSnapshot, tenant: string, refill: Refill): Promise<boolean> {
    const { hole } = refill
    if (refill.live?.dropped && --refill.tries <= 0) return true
    if (!refill.live || refill.live.dropped) {
      const base = Math.floor((hole.first - 1) / config.keepEvery) * config.keepEvery
      refill.live = await this.#load(config, tenant, base > 0 ? keptName(config.name, base) : null)
    }
    const live = refill.live
    if (live.dropped || live.position >= hole.until) return !live.dropped
    const limit = Math.min(BATCH, hole.until - live.position)
    const { events } = await this.#storage.read({ after: live.position, limit, tenant })
    if (!events.length) return true
    await this.#fold(config, tenant, keyOf(config.name, tenant), live, events)
    return !live.dropped && live.position >= hole.until
  }

  /** The latest state, or the one kept at `from` (null: the initial state). */
  async #load(
    config: SnapshotConfig,
    tenant: string,
    from: string | null = latestName(config.name),
  ): Promise<Live> {
    // Read before the state: a forget in between makes the count stale, never the state.
    const erasures = this.#erasure ? await this.#storage.erasures!(tenant) : undefined
    const checkpoint = from === null ? undefined : await this.#storage.loadCheckpoint(from, tenant)
    // None yet, or of another version: folded from the first event.
    return liveFrom(config, checkpoint, erasures)
  }

  #remember(key: string, live: Live): void {
    this.#live.delete(key)
    this.#live.set(key, live)
    while (this.#live.size > LIVE_KEPT) this.#live.delete(this.#live.keys().next().value!)
  }

  async #save(config: SnapshotConfig, tenant: string, key: string, live: Live): Promise<Live> {
    const position = live.position
    // A catch-up may fold more while this writes: those stay unsaved (and on its timer).
    const saving = live.unsaved
    const ok = await saveUnlessForgotten(
      this.#storage,
      latestName(config.name),
      live.saved,
      { position, state: keep(config, live) as never },
      tenant,
      live.erasures,
    )
    if (!ok) {
      // Another process saved first, or a forget came since this state started: go on from the
      // stored checkpoint. A save that ran on while a forget dropped this state leaves the fold
      // that started after it alone.
      if (this.#live.has(key) && this.#live.get(key) !== live) return this.#live.get(key)!
      this.#live.delete(key)
      const reloaded = await this.#load(config, tenant)
      this.#remember(key, reloaded)
      return reloaded
    }
    live.saved = position
    live.unsaved -= saving
    live.savedAt = performance.now()
    this.#saved.emit(key)
    return live
  }

  async #keep(config: SnapshotConfig, tenant: string, key: string, live: Live): Promise<void> {
    const ok = await saveUnlessForgotten(
      this.#storage,
      keptName(config.name, live.position),
      'any',
      { position: live.position, state: keep(config, live) as never },
      tenant,
      live.erasures,
    )
    // A forget came since this state started: it holds what the forget dropped.
    if (!ok && live.erasures !== undefined) {
      live.dropped = true
      if (this.#live.get(key) === live) this.#live.delete(key)
      this.#again.add(key)
    }
  }
}

const keyOf = (name: string, tenant: string) => `${tenant}\u0000${name}`
