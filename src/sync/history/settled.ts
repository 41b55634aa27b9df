import type { EventEntry } from '@strata/state'
import { internalsOf } from '../../core/internals'
import { START_TOKEN } from '../../protocol/index'
import type { SyncContext } from '../context'
import { unlessStale } from '../erasure'
import { SyncError } from '../errors'
import {
  type HistoryStorage,
  jsonText,
  type PageRecord,
  SNAPSHOT_FORMAT,
  SNAPSHOT_FORMAT_VERSION,
  type SnapshotRecord,
  toStoredCommand,
  toStoredEntry,
} from './records'

/** Settled events per page; the window and the snapshot move a page at a time. */
export const PAGE = 1000
/** Pages kept in IndexedDB (older ones are read from the server): about 200k events. */
const PAGES_KEPT = 200
/** A snapshot after this many settled events, even while the page is busy. */
const SNAPSHOT_EVERY = 1000
/** Otherwise, once the settled events have not moved for this long. */
const IDLE_MS = 2000
/** Events paged in by `loadEarlier` stay this long after the last call (or while viewed). */
const LOADED_KEPT_MS = 60_000
/** `history.window` when the store does not set it. */
export const DEFAULT_WINDOW = 10_000

/**
 * The settled history of one connection: where the window's base and the settled events are by
 * position, the snapshot kept in IndexedDB (written off the hot path: after a quiet moment,
 * every `SNAPSHOT_EVERY` settled events, and on `pagehide`), the pages of settled events written
 * as they settle, and the eviction of settled events beyond `history.window` once they are in a
 * page. Every write is a cache of the server's events: a failure (a full quota) warns once and
 * the app goes on, a reload then folds from the server instead.
 */
export class SettledHistory {
  readonly version: string
  readonly window: number
  /** Position of the window's base state (the state at `history.start`). */
  basePosition: string = START_TOKEN
  /**
   * The store started from a snapshot holding every event up to here: an own event the server
   * confirms at or before it is in that snapshot already (its first answer was lost).
   */
  heldTo: string | undefined
  /** The first history index not in a full page yet, and the position of the state there. */
  #paged = { index: 0, position: START_TOKEN }
  /**
   * Indexes in the window where a stored page begins (with the position there): eviction stops
   * at one, so paging back finds the page that ends where the window begins. Only those at or
   * above `history.start` are kept, so this stays as short as the window.
   */
  #boundaries: { index: number; position: string }[] = [{ index: 0, position: START_TOKEN }]
  /** Own events (by clientSeq) pulled since the last snapshot: the snapshot removes them. */
  #settledSeqs: number[] = []
  #settledSince = 0
  #timer: unknown
  #queue: Promise<void> = Promise.resolve()
  #warned = new Set<string>()
  #failed = false
  #loadedAt = Number.NEGATIVE_INFINITY
  #onHide = () => void this.write()

  constructor(private readonly ctx: SyncContext) {
    const core = internalsOf(ctx.store)
    this.version = String(core.codeVersion ?? '')
    const window = core.window ?? DEFAULT_WINDOW
    if (!(window >= 1)) {
      throw new TypeError(
        `[strata] history.window expects a positive number of events, received ${String(window)}.`,
      )
    }
    this.window = window
    const target = globalThis as Partial<Pick<EventTarget, 'addEventListener'>>
    target.addEventListener?.('pagehide', this.#onHide)
  }

  get storage(): HistoryStorage | undefined {
    return this.#failed ? undefined : this.ctx.storage.history
  }

  /** The window starts at a snapshot (or the beginning): pages continue from there. */
  startAt(position: string, index: number): void {
    this.basePosition = position
    // At the first event nothing is settled yet: pulls read from the start.
    this.ctx.settledAt = this.heldTo = index > 0 ? position : undefined
    this.#paged = { index, position }
    this.#boundaries = [{ index, position }]
  }

  /** The server's store was reset: forget the kept history, settle from the start again. */
  async restart(): Promise<void> {
    const { replica, store } = this.ctx
    await this.storage?.clear().catch(() => {})
    if (store.history.start > 0 || this.ctx.settledAt !== undefined) {
      replica.reset(
        { state: internalsOf(store).initialState, start: 0 },
        { frozen: this.ctx.frozen },
      )
    }
    this.startAt(START_TOKEN, 0)
  }

  /**
   * The window was extended down to stored pages (or a stretch) starting at `starts`, lowest
   * first: the base is at the first, and eviction may stop at any of them again.
   */
  extendedTo(starts: readonly { index: number; position: string }[]): void {
    this.basePosition = starts[0]!.position
    this.#boundaries.unshift(...starts)
    this.#loadedAt = this.ctx.clock.now()
  }

  /** Pulled own events, by clientSeq: folded into the next snapshot, so it removes them. */
  noteOwnSettled(seqs: readonly number[]): void {
    if (this.storage) for (const s of seqs) this.#settledSeqs.push(s)
  }

  /** After events settled: a snapshot soon if many did, else once things are quiet. */
  settled(count: number): void {
    if (this.ctx.signal.aborted) return
    this.#settledSince += count
    this.ctx.clock.clearTimeout(this.#timer)
    const soon = this.#settledSince >= SNAPSHOT_EVERY
    this.#timer = this.ctx.clock.setTimeout(() => void this.write(), soon ? 0 : IDLE_MS)
  }

  /** Writes pages, the snapshot and evicts, after the writes before; resolves when done. */
  write(): Promise<void> {
    this.ctx.clock.clearTimeout(this.#timer)
    this.#queue = this.#queue
      .then(() => unlessStale(this.ctx, () => this.#write()))
      .catch((error) => this.#fail(error))
    return this.#queue
  }

  close(): void {
    this.ctx.clock.clearTimeout(this.#timer)
    const target = globalThis as Partial<Pick<EventTarget, 'removeEventListener'>>
    target.removeEventListener?.('pagehide', this.#onHide)
  }

  warn(message: string, cause?: unknown): void {
    if (this.#warned.has(message)) return
    this.#warned.add(message)
    console.warn(`[strata] ${message}`)
    const error = new SyncError('storage', 'storage', message, { cause })
    this.ctx.state.report(error, this.ctx.clock.now())
  }

  async #write(): Promise<void> {
    const { ctx } = this
    if (ctx.signal.aborted) return
    const { store, replica } = ctx
    const start = store.history.start
    const settledIndex = start + replica.settled
    const position = ctx.settledAt
    const storage = this.storage
    if (storage && position !== undefined) {
      // Full pages first, then the snapshot with the page of the rest.
      while (settledIndex - this.#paged.index >= PAGE && this.#paged.index >= start) {
        const { page, base } = this.#page(this.#paged.index + PAGE, undefined)
        await storage.savePage(page, base)
        this.#paged = { index: page.from + page.events.length, position: page.end }
        this.#boundaries.push(this.#paged)
      }
      if (this.#paged.index >= start && settledIndex > start) {
        const tail =
          settledIndex > this.#paged.index ? this.#page(settledIndex, position) : undefined
        const state = replica.settledState()
        const json = jsonText(state)
        const snapshot: SnapshotRecord = {
          format: SNAPSHOT_FORMAT,
          formatVersion: SNAPSHOT_FORMAT_VERSION,
          version: this.version,
          position,
          count: settledIndex,
          ...(json === undefined ? { state } : { json }),
          streams: Object.fromEntries(ctx.versions),
          savedAt: ctx.clock.now(),
        }
        const seqs = this.#settledSeqs.splice(0)
        this.#settledSince = 0
        await storage.saveSnapshot(snapshot, tail, seqs)
      }
      await storage.prune(this.version, PAGES_KEPT)
    }
    this.#evict()
  }

  /**
   * The page from the first unpaged event up to index `to` (its end is the last position), and
   * the state before it.
   */
  #page(to: number, end: string | undefined): { page: PageRecord; base: unknown } {
    const { store } = this.ctx
    const start = store.history.start
    const from = this.#paged.index
    const events = store.logs.events.slice(from - start, to - start)
    const last = lastPosition(events)
    // A command goes with the page of its last event, as eviction drops it with that event.
    const ids = new Set(events.map((e) => e.id))
    const commands = this.ctx.replica.decides
      ? store.logs.commands.filter((c) => ids.has(c.eventIds[c.eventIds.length - 1]!))
      : []
    const page: PageRecord = {
      version: this.version,
      start: this.#paged.position,
      end: end ?? last ?? this.#paged.position,
      from,
      events: events.map(toStoredEntry),
      commands: commands.map((c) => toStoredCommand(c as never)),
    }
    // As the server folds them: a skip in the devtools is not kept.
    return { page, base: this.ctx.replica.settledState(from - start) }
  }

  /** Settled events beyond the window leave memory once they are in a page (or without one). */
  #evict(): void {
    const { store, replica, clock } = this.ctx
    // Events paged in by loadEarlier stay while someone is looking at them.
    if (clock.now() - this.#loadedAt < LOADED_KEPT_MS) return
    const start = store.history.start
    const target = Math.min(start + replica.settled - this.window, store.history.cursor)
    let to = target
    if (this.storage) {
      // Only up to the start of a stored page, so paging back finds the page ending there.
      to = start
      for (const b of this.#boundaries)
        if (b.index <= target && b.index <= this.#paged.index) to = b.index
    }
    if (to - start < PAGE) return
    const page = replica.evict(to - start)
    if (!page) return
    const now = store.history.start
    this.#boundaries = this.#boundaries.filter((b) => b.index >= now)
    this.basePosition = this.storage
      ? (this.#boundaries.find((b) => b.index === now)?.position ?? this.basePosition)
      : (lastPosition(page.events) ?? this.basePosition)
  }

  #fail(error: unknown): void {
    if (this.ctx.signal.aborted) return
    const quota = (error as { name?: unknown })?.name === 'QuotaExceededError'
    if (quota) this.#failed = true
    this.warn(
      quota
        ? 'IndexedDB is full: the settled snapshot and history pages are no longer saved. The app keeps working and syncing; a reload folds the history from the server.'
        : `Saving the settled snapshot failed (${String((error as Error)?.message ?? error)}); a reload folds the history from the server.`,
      error,
    )
  }
}

function lastPosition(events: readonly EventEntry[]): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const p = events[i]!.position
    if (p !== undefined) return p
  }
  return undefined
}
