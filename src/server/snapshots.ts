import { produce } from 'immer'
import type { SuperJSONResult } from 'superjson'
import { type JsonValue, StrataWireError } from '../protocol'
import { sessionSerializer } from '../protocol/values'
import { rewindSnapshot } from './erasure/refold'
import { Signal, waitFor } from './signal'
import { checkConfig } from './snapshotConfig'
import {
  type KeptStreams,
  keepStreams,
  keptList,
  noteStream,
  type StreamList,
} from './snapshotStreams'
import type { Commit, ProjectedEvent, Storage } from './types'

/**
 * Server snapshots: the app's own reducer (the module the client imports) folded over each
 * tenant's events, so a device without a snapshot of its own starts from the state instead of
 * every event. Each is kept as a checkpoint named `snapshot:<name>` per tenant, and every
 * `keepEvery` events a state is kept under `snapshot:<name>#<position>` for clients paging back
 * (`history.loadEarlier`). States are stored in the session serializer's form, with the reducer
 * version that folded them: when the configured version changes, the snapshot is folded again
 * from the first event, and kept states of another version are never served.
 */
export interface SnapshotConfig<S = any> {
  name: string
  initialState: S
  /** The app's reducer: immer-style (mutate the draft), or returning the next state. */
  reducer: (draft: any, event: any) => unknown
  /** The reducer's version, as `createStore({ version })` names it on the client. */
  version: string | number
  /** `false`: a plain reducer that returns the next state (as `createStore({ immer: false })`). */
  immer?: boolean
  /** The store event of a stored one (the client's `codec.decode`). Default `{ type, payload }`. */
  decode?: (event: ProjectedEvent) => { type: string }
  /** Keep a state every this many events, for paging back. Default 10,000. */
  keepEvery?: number
}

/** A snapshot's checkpoint state: the version, the streams folded (snapshotStreams.ts), the state. */
export interface Kept extends KeptStreams {
  v: string
  s: SuperJSONResult
}

/** A folded state, as the runner keeps it in memory between saves. */
interface Live {
  position: number
  state: unknown
  streams: StreamList
  /** The stored checkpoint's position this one replaces (compare-and-set), null for none. */
  saved: number | null
  unsaved: number
}

const BATCH = 1000
/** Save the latest state after this many events, or this long after the last unsaved one. */
const SAVE_EVERY = 1000
const SAVE_MS = 1000
/** Tenants whose live state stays in memory between catch-ups. */
const LIVE_KEPT = 64

export const latestName = (name: string) => `snapshot:${name}`
export const keptName = (name: string, position: number) => `snapshot:${name}#${position}`

const defaultDecode = (e: ProjectedEvent) =>
  e.payload === null ? { type: e.type } : { type: e.type, payload: e.payload }

/** A snapshot as `GET /snapshots/<name>` serves it (before the protocol envelope). */
export interface ServedSnapshot {
  position: number
  state: JsonValue
  /** Stream versions; `more`: the snapshot folds streams left out of them. */
  streams: Record<string, number>
  more: boolean
}

export class SnapshotRunner {
  readonly #storage: Storage
  readonly #configs: ReadonlyMap<string, Required<Omit<SnapshotConfig, 'immer'>> & SnapshotConfig>
  readonly #onError: (error: unknown) => void
  readonly #live = new Map<string, Live>()
  readonly #initial = new Map<string, ServedSnapshot>()
  readonly #running = new Map<string, Promise<void>>()
  readonly #again = new Set<string>()
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>()
  /** Keys being dropped after a forget: catch-ups wait. */
  readonly #paused = new Set<string>()
  readonly #saved = new Signal<string>()
  readonly #unsubscribe: () => void
  #closed = false

  constructor(storage: Storage, configs: readonly SnapshotConfig[], onError: (e: unknown) => void) {
    this.#storage = storage
    this.#onError = onError
    const map = new Map()
    for (const config of configs) {
      checkConfig(config)
      if (map.has(config.name)) {
        throw new TypeError(
          `[strata] snapshot names must be unique: ${JSON.stringify(config.name)}`,
        )
      }
      map.set(config.name, {
        decode: defaultDecode,
        keepEvery: 10_000,
        ...config,
        version: String(config.version),
      })
    }
    this.#configs = map
    this.#unsubscribe = storage.subscribe((commit) => this.#onCommit(commit))
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

  /** The kept state at least `events` before position `before`, or the initial state at 0. */
  async before(name: string, tenant: string, before: number, events: number) {
    const config = this.#configs.get(name)!
    const target = before - events
    for (
      let p = Math.floor(target / config.keepEvery) * config.keepEvery;
      p > 0;
      p -= config.keepEvery
    ) {
      const kept = await this.#read(name, keptName(name, p), tenant)
      if (kept) return kept
    }
    // The initial state, serialized once (every client paging back to the first event reads it).
    let served = this.#initial.get(name)
    if (!served) {
      served = {
        position: 0,
        state: sessionSerializer.serialize(config.initialState) as unknown as JsonValue,
        streams: {},
        more: false,
      }
      this.#initial.set(name, served)
    }
    return served
  }

  /**
   * After an erasure whose subject's first event is at `from()` (a tenant position): waits out
   * folds, drops the states kept from there on, and sets the latest back to the one kept before
   * it (or stale, folded again from the first event), from which the fold goes forward again.
   */
  async forget(tenant: string, from: () => Promise<number>): Promise<void> {
    const first = this.#configs.size ? await from() : 1
    for (const [name, config] of this.#configs) {
      const key = keyOf(name, tenant)
      this.#paused.add(key)
      try {
        while (this.#running.has(key)) await this.#running.get(key)
        this.#live.delete(key)
        clearTimeout(this.#timers.get(key))
        this.#timers.delete(key)
        const names = { latest: latestName(name), kept: (p: number) => keptName(name, p) }
        await this.#storage.append((tx) =>
          rewindSnapshot(tx, tenant, first, {
            ...names,
            every: config.keepEvery,
            v: String(config.version),
          }),
        )
      } finally {
        this.#paused.delete(key)
      }
      this.#schedule(name, tenant)
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#unsubscribe()
    for (const timer of this.#timers.values()) clearTimeout(timer)
  }

  async #read(name: string, checkpointName: string, tenant: string) {
    const checkpoint = await this.#storage.loadCheckpoint(checkpointName, tenant)
    const kept = checkpoint?.state as Kept | undefined
    if (!checkpoint || kept?.v !== this.versionOf(name)) return undefined
    const served: ServedSnapshot = {
      position: checkpoint.position,
      state: kept.s as unknown as JsonValue,
      streams: kept.streams ?? {},
      more: keptList(kept).more,
    }
    return served
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
    if (this.#running.has(key) || this.#paused.has(key)) {
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
    const apply = folder(config)
    // Paused by a forget: it waits for this fold to end, which steady appends would never let.
    while (!this.#closed && !this.#paused.has(key)) {
      const { events } = await this.#storage.read({ after: live.position, limit: BATCH, tenant })
      if (!events.length) break
      for (const event of events) {
        try {
          live.state = apply(live.state, config.decode(event))
        } catch (cause) {
          // As on the client: the event keeps its error, the state stays as it was.
          this.#onError(
            new StrataWireError(
              'internal',
              `Snapshot ${JSON.stringify(name)}: the reducer threw on event ${event.tenantPosition}`,
              { cause, details: { snapshot: name, position: event.tenantPosition } },
            ),
          )
        }
        live.position = event.tenantPosition
        live.unsaved++
        noteStream(live.streams, event.stream, event.streamVersion)
        if (live.position % config.keepEvery === 0) await this.#keep(config, tenant, live)
      }
      if (live.unsaved >= SAVE_EVERY) live = await this.#save(config, tenant, key, live)
    }
    if (live.unsaved > 0 && !this.#timers.has(key)) {
      // The last events are saved after a pause, so a burst of appends is one save.
      this.#timers.set(
        key,
        setTimeout(() => {
          this.#timers.delete(key)
          const current = this.#live.get(key)
          if (current?.unsaved) void this.#save(config, tenant, key, current).catch(this.#onError)
        }, SAVE_MS),
      )
      this.#timers.get(key)!.unref?.()
    }
  }

  async #load(config: SnapshotConfig, tenant: string): Promise<Live> {
    const checkpoint = await this.#storage.loadCheckpoint(latestName(config.name), tenant)
    const kept = checkpoint?.state as Kept | undefined
    if (checkpoint && kept?.v === String(config.version)) {
      return {
        position: checkpoint.position,
        state: sessionSerializer.deserialize(kept.s),
        streams: keptList(kept),
        saved: checkpoint.position,
        unsaved: 0,
      }
    }
    // None yet, or of another version: fold from the first event.
    return {
      position: 0,
      state: config.initialState,
      streams: { streams: new Map(), more: false },
      saved: checkpoint?.position ?? null,
      unsaved: 0,
    }
  }

  #remember(key: string, live: Live): void {
    this.#live.delete(key)
    this.#live.set(key, live)
    while (this.#live.size > LIVE_KEPT) this.#live.delete(this.#live.keys().next().value!)
  }

  async #save(config: SnapshotConfig, tenant: string, key: string, live: Live): Promise<Live> {
    const position = live.position
    const ok = await this.#storage.saveCheckpoint(
      latestName(config.name),
      live.saved,
      { position, state: keep(config, live) as never },
      tenant,
    )
    if (!ok) {
      // Another process saved first: go on from its checkpoint. A save that ran on while a
      // forget dropped this state leaves the fold that started after it alone.
      if (this.#live.has(key) && this.#live.get(key) !== live) return this.#live.get(key)!
      this.#live.delete(key)
      const reloaded = await this.#load(config, tenant)
      this.#remember(key, reloaded)
      return reloaded
    }
    live.saved = position
    live.unsaved = 0
    this.#saved.emit(key)
    return live
  }

  async #keep(config: SnapshotConfig, tenant: string, live: Live): Promise<void> {
    const name = keptName(config.name, live.position)
    const stored = await this.#storage.loadCheckpoint(name, tenant)
    await this.#storage.saveCheckpoint(
      name,
      stored?.position ?? null,
      { position: live.position, state: keep(config, live) as never },
      tenant,
    )
  }
}

const keyOf = (name: string, tenant: string) => `${tenant}\u0000${name}`

function keep(config: SnapshotConfig, live: Live): Kept {
  const s = sessionSerializer.serialize(live.state)
  return {
    v: String(config.version),
    ...keepStreams(live.streams, () => JSON.stringify(s).length),
    s,
  }
}

function folder(config: SnapshotConfig): (state: unknown, event: { type: string }) => unknown {
  const { reducer } = config
  if (config.immer === false) return (state, event) => reducer(state, event)
  return (state, event) => produce(state, (draft: unknown) => reducer(draft, event) as never)
}
