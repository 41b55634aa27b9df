import { reportReducerError } from './errors'
import type { AnyEvent } from './types'

/** What the state log reads and writes on an event entry. */
export interface FoldEntry {
  readonly event: AnyEvent
  readonly skipped: boolean
  /** Refused by a server: not applied, like a skipped event. */
  readonly rejected: unknown
  error: unknown
}

const applies = (entry: FoldEntry) => !entry.skipped && entry.rejected === undefined

/** Applies one event to a state. May throw: the event keeps the error and the state is kept. */
export type Fold<S> = (state: S, event: AnyEvent) => S

export interface Checkpoint<S> {
  /** Absolute index: events folded since the store began, including ones dropped by `limit`. */
  readonly index: number
  readonly state: S
  /** Kept only until the log this one replaced has been compared with it; see `dropForced`. */
  readonly forced?: true
}

/** States recomputed from a checkpoint, kept so stepping near the cursor costs nothing. */
interface Segment<S> {
  readonly from: number
  readonly states: S[]
}

const SEGMENTS_KEPT = 2

/**
 * The sparse state log: the head state, checkpoints, and the last recomputed segments.
 *
 * Checkpoints are placed by measured reducer time, not by event count: one is taken whenever the
 * reducer has spent `budgetMs` since the last one. A jump therefore replays at most about
 * `budgetMs` of reducer work, whatever the reducer costs: every ~700 events for a 6 us spread
 * reducer, every ~25 for a 150 us immer one, so a jump stays well within a 16 ms frame while
 * memory stays a small fraction of keeping every state. A fixed count could not do both.
 */
export class StateLog<S> {
  /** Not private: `prepend` (window.ts) extends the log down. */
  checkpoints: Checkpoint<S>[]
  private head: S
  /** Entries folded into `head`; equals `entries.length` between operations. */
  folded = 0
  private spent = 0
  private segments: Segment<S>[] = []
  private forcedNext = 0
  /** The checkpoint `pin` added, replaced by the next one. */
  private pinned: Checkpoint<S> | undefined
  /** Counts changes other than appends, so views derived from the entries know to rebuild. */
  edits = 0

  constructor(
    /** Replaced, not mutated, when earlier entries are paged in: read it from the log. */
    public entries: FoldEntry[],
    base: S,
    private readonly fold: Fold<S>,
    private readonly budgetMs: number,
    /** Events already folded into `base` and gone from `entries`. */
    public offset = 0,
    /** Absolute indexes that must get a checkpoint too (those of a log this one replaces). */
    private forced: readonly number[] = [],
  ) {
    this.checkpoints = [{ index: offset, state: base }]
    this.head = base
    this.catchUp()
  }

  get length(): number {
    return this.entries.length
  }

  get base(): S {
    return this.checkpoints[0]!.state
  }

  get headState(): S {
    return this.head
  }

  get dropped(): number {
    return this.offset
  }

  /** Log indexes (0 to length) at which a state is kept. */
  checkpointIndexes(): number[] {
    return this.checkpoints.map((c) => c.index - this.offset)
  }

  /** Drops the checkpoints kept only to compare with the replaced log (hot reload). */
  dropForced(): void {
    this.checkpoints = this.checkpoints.filter((c, i) => i === 0 || c.forced === undefined)
    this.forced = []
    this.forcedNext = 0
  }

  /** Absolute indexes of the checkpoints, to hand to a log that replaces this one. */
  absoluteCheckpoints(): number[] {
    return this.checkpoints.map((c) => c.index)
  }

  push(entry: FoldEntry): void {
    this.entries.push(entry)
    this.catchUp(true)
  }

  /**
   * Keeps the head state as a checkpoint, replacing the one this kept before: the replica pins
   * its last settled state, so a rebase truncates to it without replaying anything.
   */
  pin(): void {
    const cps = this.checkpoints
    const old = this.pinned
    this.pinned = undefined
    if (old) {
      const i = cps.lastIndexOf(old)
      if (i > 0) cps.splice(i, 1)
    }
    const abs = this.entries.length + this.offset
    if (cps[cps.length - 1]!.index === abs) return
    this.pinned = { index: abs, state: this.head }
    cps.push(this.pinned)
  }

  /** The state after the first `index` events. */
  at(index: number): S {
    const n = this.entries.length
    if (!Number.isInteger(index) || index < 0 || index > n) {
      throw new RangeError(`[strata] No state at index ${index}: use an integer from 0 to ${n}.`)
    }
    if (index === n) return this.head
    const abs = index + this.offset
    for (const seg of this.segments) {
      const k = abs - seg.from
      if (k >= 0 && k < seg.states.length) return seg.states[k]!
    }
    let c = this.checkpointAtOrBefore(abs)
    const cp = this.checkpoints[c]!
    let seg = this.segments.find((s) => s.from === cp.index)
    if (seg) this.segments.splice(this.segments.indexOf(seg), 1)
    else seg = { from: cp.index, states: [cp.state] }
    this.segments.unshift(seg)
    this.segments.length = Math.min(this.segments.length, SEGMENTS_KEPT)
    let state = seg.states[seg.states.length - 1] as S
    let spent = 0
    for (let a = seg.from + seg.states.length; a <= abs; a++) {
      const entry = this.entries[a - 1 - this.offset]!
      if (applies(entry)) {
        const start = performance.now()
        try {
          state = this.fold(state, entry.event)
        } catch {
          // The live fold recorded this error on the entry and kept the state; do the same.
        }
        spent += performance.now() - start
      }
      seg.states.push(state)
      // A stretch paged in with few states kept (loadEarlier) gets checkpoints on first walk.
      if (spent >= 2 * this.budgetMs && a < abs) {
        this.checkpoints.splice(++c, 0, { index: a, state })
        seg = { from: a, states: [state] }
        this.segments.unshift(seg)
        this.segments.length = SEGMENTS_KEPT
        spent = 0
      }
    }
    return state
  }

  /** Entries from `index` on have changed (skipped, replaced, inserted): recompute after it. */
  rederive(index: number): void {
    this.forget(index)
    this.catchUp()
  }

  /** Drop the entries from `index` on; the head becomes the state at `index`. */
  truncate(index: number): void {
    this.forget(index)
    this.entries.length = index
  }

  private forget(index: number): void {
    this.edits++
    const state = this.at(index)
    const abs = index + this.offset
    this.checkpoints.length = this.checkpointAtOrBefore(abs) + 1
    // States up to `index` are unchanged: keep them, so a view before it keeps its identity.
    this.segments = this.segments.filter((seg) => seg.from <= abs)
    for (const seg of this.segments)
      seg.states.length = Math.min(seg.states.length, abs - seg.from + 1)
    this.head = state
    this.folded = index
    this.spent = 0
    this.forcedNext = 0
  }

  /** Fold the `count` oldest events into the base state and drop them from `entries`. */
  dropOldest(count: number): void {
    if (count <= 0) return
    this.edits++
    const base = this.at(count)
    if (count === 1) this.entries.shift()
    else this.entries.splice(0, count)
    this.offset += count
    this.folded -= count
    const stale = this.checkpointAtOrBefore(this.offset) + 1
    this.checkpoints.splice(0, stale, { index: this.offset, state: base })
    this.segments = this.segments.filter((s) => s.from >= this.offset)
  }

  /** Folds the entries not folded yet; `report`: say so when a new event's reducer throws. */
  private catchUp(report = false): void {
    const { entries } = this
    while (this.folded < entries.length) {
      const entry = entries[this.folded++]!
      if (!applies(entry)) {
        entry.error = undefined
      } else {
        const start = performance.now()
        try {
          this.head = this.fold(this.head, entry.event)
          entry.error = undefined
        } catch (error) {
          entry.error = error
          if (report) reportReducerError(entry.event, error)
        }
        this.spent += performance.now() - start
      }
      const abs = this.folded + this.offset
      while (this.forcedNext < this.forced.length && this.forced[this.forcedNext]! < abs) {
        this.forcedNext++
      }
      if (this.spent >= this.budgetMs) {
        this.checkpoints.push({ index: abs, state: this.head })
        this.spent = 0
      } else if (this.forced[this.forcedNext] === abs) {
        // Does not reset `spent`: the lasting checkpoints stay as dense as the budget says.
        this.checkpoints.push({ index: abs, state: this.head, forced: true })
      }
    }
  }

  private checkpointAtOrBefore(abs: number): number {
    const cps = this.checkpoints
    let lo = 0
    let hi = cps.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (cps[mid]!.index <= abs) lo = mid
      else hi = mid - 1
    }
    return lo
  }
}
