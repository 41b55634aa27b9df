import type { EventEntry } from '@strata/state'
import type { LostCommand, PulledEvent, RestoredEvent } from '../core/replica'
import type { WireErrorBody } from '../protocol/index'
import type { SyncContext } from './context'
import { knownVersion, streamOfEntry } from './streams'
import type { Conflict, ConflictEvent, Conflicts } from './types'

/** A pulled event with what the server says of its stream. */
export interface StreamedEvent extends PulledEvent {
  stream: string
  /** The stream's version after it. */
  version: number
}

/** An own event the server refused as stale, waiting until this client has seen why. */
interface Held {
  seq: number
  stream: string
  /** The stream's version the refusal named; the command is re-run once it is known. */
  actual: number
  /** `ctx.pulls` when it was refused: a later pull that caught up has seen the stream. */
  since: number
  /** The stream version its command saw, for naming what it lost to. */
  seen: number | undefined
}

const RECENT_KEPT = 200
const REFUSED_KEPT = 2000
const SNAPSHOT_KEPT = 50

/**
 * Conflicts: the state behind them and the list the app sees.
 *
 * An event decided on a state the server has moved past is refused (`version_conflict`). The
 * command is re-run on the new state once this client has pulled what it lost to (until then its
 * events are held, frozen, and nothing after them is claimed), and what it decides now is sent
 * with fresh expectations. If its handler throws now, the command is lost: its events leave the
 * log and the outbox, and it is reported once, here and to `onConflict`.
 *
 * The client often knows before the server answers: a pulled event took the version a claimed
 * event expected, or a claimed event depends on a refused one. Such an event can only be refused,
 * so its command is re-run in the same rebase (its claim is marked superseded and still sent),
 * and a frozen event is never folded on a state it was not decided on.
 */
export class ConflictState implements Conflicts {
  readonly held = new Map<string, Held>()
  /** Own seqs the server refused (or must refuse), newest last. */
  readonly refused: number[] = []
  /** Recent events of other writers, for naming what a command lost to. */
  readonly recent: ConflictEvent[] = []
  readonly reducerErrors: { entry: EventEntry; error: unknown }[] = []
  #reported = new Set<string>()
  #list: readonly Conflict[] = []
  #listeners = new Set<() => void>()
  #changed: () => void
  #onConflict: ((conflict: Conflict) => void) | undefined

  constructor(changed: () => void, onConflict?: (conflict: Conflict) => void) {
    this.#changed = changed
    this.#onConflict = onConflict
  }

  getSnapshot = (): readonly Conflict[] => this.#list

  subscribe = (listener: () => void) => {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  dismiss = (conflict?: Conflict | string) => {
    const id = typeof conflict === 'string' ? conflict : conflict?.id
    const next = id === undefined ? [] : this.#list.filter((c) => c.id !== id)
    if (next.length === this.#list.length) return
    this.#list = next
    this.#notify()
  }

  noteRefused(seq: number): void {
    this.refused.push(seq)
    if (this.refused.length > REFUSED_KEPT) this.refused.shift()
  }

  noteRecent(events: readonly ConflictEvent[]): void {
    this.recent.push(...events)
    if (this.recent.length > RECENT_KEPT) this.recent.splice(0, this.recent.length - RECENT_KEPT)
  }

  report(conflict: Conflict): void {
    if (this.#reported.has(conflict.id)) return
    this.#reported.add(conflict.id)
    this.#list = [...this.#list, conflict].slice(-SNAPSHOT_KEPT)
    try {
      this.#onConflict?.(conflict)
    } catch (error) {
      queueMicrotask(() => {
        throw error
      })
    }
    this.#notify()
  }

  #notify() {
    for (const listener of [...this.#listeners]) listener()
    this.#changed()
  }
}

/**
 * The server refused an own event as stale: hold its command until the pull shows why. True when
 * this client already knows the stream that far, so `settle` can re-run it now.
 */
export function holdRefused(ctx: SyncContext, id: string, seq: number, body: WireErrorBody) {
  const details = (body.details ?? {}) as { stream?: unknown; actual?: unknown }
  const entry = ctx.replica.unsettled().find((e) => e.id === id)
  const wire = ctx.wire.get(id)
  ctx.claimed.delete(id)
  ctx.wire.delete(id)
  ctx.conflicts.noteRefused(seq)
  if (!entry) return false
  const stream =
    typeof details.stream === 'string'
      ? details.stream
      : (wire?.stream ?? streamOfEntry(ctx, entry))
  const actual = typeof details.actual === 'number' ? details.actual : 0
  ctx.conflicts.held.set(id, { seq, stream, actual, since: ctx.pulls, seen: wire?.seen })
  return knownVersion(ctx, stream) >= actual
}

/** The server refused an own event for good (not as stale): settle it and rebase the rest. */
export function rejectRefused(
  ctx: SyncContext,
  id: string,
  seq: number | undefined,
  error: unknown,
) {
  ctx.claimed.delete(id)
  ctx.wire.delete(id)
  if (seq !== undefined) ctx.conflicts.noteRefused(seq)
  const free = unfrozen(ctx, new Map(), new Set())
  const lost = ctx.replica.reject(id, error, { frozen: frozenBut(ctx, free) })
  reportLost(ctx, lost, release(ctx, free), new Map())
}

/**
 * Settles pulled events (or, with none, re-runs what can be re-run now): commands whose events
 * are doomed or whose refusal this pull explains are re-run in the same rebase; lost ones are
 * reported. `gen` is the `ctx.pulls` of the request that brought them.
 */
export function settle(
  ctx: SyncContext,
  pulled: readonly StreamedEvent[],
  caughtUp: boolean,
  gen: number,
): void {
  const before = new Map<string, number>()
  const own = new Set(ctx.replica.unsettled().map((e) => e.id))
  const others: ConflictEvent[] = []
  for (const p of pulled) {
    if (!before.has(p.stream)) before.set(p.stream, knownVersion(ctx, p.stream))
    ctx.versions.set(p.stream, Math.max(ctx.versions.get(p.stream) ?? 0, p.version))
    if (own.has(p.id)) continue
    const { id, event, stream, version, position } = p
    others.push({ id, type: event.type, event, stream, version, position })
  }
  ctx.conflicts.noteRecent(others)
  // Caught up: drafts put back from the outbox are decided again, on the server's events (and
  // claimed at once: they have waited a page already).
  if (caughtUp && ctx.undecided.size) {
    ctx.undecided.clear()
    ctx.released = true
  }
  // A stream this client does not read: after a pull that began after the refusal and caught
  // up, take the version the refusal named, or the command could never be sent again.
  if (caughtUp) {
    for (const h of ctx.conflicts.held.values()) {
      if (gen > h.since && knownVersion(ctx, h.stream) < h.actual)
        ctx.floors.set(h.stream, h.actual)
    }
  }
  const free = unfrozen(ctx, new Map(ctx.versions), new Set(pulled.map((p) => p.id)))
  const options = { frozen: frozenBut(ctx, free) }
  const lost = pulled.length ? ctx.replica.pull(pulled, options).lost : ctx.replica.rebase(options)
  const seen = release(ctx, free)
  for (const p of pulled) {
    ctx.claimed.delete(p.id)
    ctx.wire.delete(p.id)
  }
  reportLost(ctx, lost, seen, before)
}

/**
 * The held and claimed events whose commands can be re-run now: held ones whose stream is known
 * up to the version their refusal named, and claimed ones the server can only refuse (a pulled
 * event took the version they expect, or an event they depend on is refused). A command is re-run
 * only when all of its unsettled events can be: one still in flight may be stored.
 */
function unfrozen(
  ctx: SyncContext,
  versions: ReadonlyMap<string, number>,
  pulledIds: ReadonlySet<string>,
): Set<string> {
  const { held, refused } = ctx.conflicts
  const candidates = new Set<string>()
  for (const [id, h] of held) if (knownVersion(ctx, h.stream) >= h.actual) candidates.add(id)
  const doomed = [...refused]
  const claims = [...ctx.claimed].filter(([id, seq]) => seq > 0 && !pulledIds.has(id))
  claims.sort((a, b) => a[1] - b[1])
  for (const [id, seq] of claims) {
    const w = ctx.wire.get(id)
    if (!w) continue
    const taken =
      w.expectedVersion !== undefined && (versions.get(w.stream) ?? 0) > w.expectedVersion
    const dep = w.dependsOn
    if (taken || (dep !== undefined && doomed.some((r) => r >= dep && r < seq))) {
      candidates.add(id)
      doomed.push(seq)
    }
  }
  if (!candidates.size) return candidates
  const free = new Set<string>()
  const byCommand = new Map<string, EventEntry[]>()
  for (const e of ctx.replica.unsettled()) {
    if (e.commandId === undefined) continue
    const list = byCommand.get(e.commandId) ?? []
    list.push(e)
    byCommand.set(e.commandId, list)
  }
  for (const list of byCommand.values()) {
    if (!list.some((e) => candidates.has(e.id))) continue
    const ok = list.every(
      (e) =>
        e.position === undefined &&
        (candidates.has(e.id) || (!ctx.claimed.has(e.id) && !held.has(e.id))),
    )
    if (ok) for (const e of list) if (candidates.has(e.id)) free.add(e.id)
  }
  return free
}

export function frozenBut(ctx: SyncContext, free: ReadonlySet<string>) {
  return (e: EventEntry) =>
    (ctx.claimed.has(e.id) || ctx.conflicts.held.has(e.id) || ctx.undecided.has(e.id)) &&
    !free.has(e.id)
}

/**
 * Puts back events from the outbox (a closed page's) before this page's pending ones, whose
 * commands are re-run on top; the drafts among them are decided again now if this page has
 * caught up with the server, else once it has. Reports what that loses.
 */
export function restoreEvents(ctx: SyncContext, events: readonly RestoredEvent[]) {
  if (!events.length) return
  if (!ctx.caughtUp) {
    for (const e of events) if (!ctx.claimed.has(e.id)) ctx.undecided.add(e.id)
  }
  const lost = ctx.replica.restore(events, { frozen: frozenBut(ctx, new Set()) })
  reportLost(ctx, lost, new Map(), new Map())
}

/**
 * The freed events are decided again: claimed ones are superseded, held ones let go. Returns the
 * stream version each one's command had seen.
 */
function release(ctx: SyncContext, free: ReadonlySet<string>) {
  const superseded: number[] = []
  const seen = new Map<string, number | undefined>()
  // Decided again, they are claimed at once: they have waited for their refusal already.
  if (free.size) ctx.released = true
  for (const id of free) {
    const seq = ctx.claimed.get(id)
    if (seq) superseded.push(seq)
    seen.set(id, ctx.wire.get(id)?.seen ?? ctx.conflicts.held.get(id)?.seen)
    ctx.claimed.delete(id)
    ctx.wire.delete(id)
    ctx.conflicts.held.delete(id)
  }
  if (superseded.length) {
    for (const seq of superseded) ctx.conflicts.noteRefused(seq)
    ctx.write(() => ctx.storage.supersede(superseded))
  }
  return seen
}

function reportLost(
  ctx: SyncContext,
  lost: readonly LostCommand[],
  seenOf: ReadonlyMap<string, number | undefined>,
  before: ReadonlyMap<string, number>,
) {
  for (const { command, error, events } of lost) {
    const streams = new Map<string, number>()
    for (const e of events) {
      const stream = streamOfEntry(ctx, e)
      const seen =
        seenOf.get(e.id) ??
        ctx.wire.get(e.id)?.seen ??
        before.get(stream) ??
        knownVersion(ctx, stream)
      streams.set(stream, Math.min(streams.get(stream) ?? seen, seen))
      ctx.claimed.delete(e.id)
      ctx.wire.delete(e.id)
      ctx.conflicts.held.delete(e.id)
    }
    const lostTo = ctx.conflicts.recent.filter(
      (r) => streams.has(r.stream) && r.version > streams.get(r.stream)!,
    )
    ctx.conflicts.report({ id: command.id, command, error, lostTo, events, at: ctx.clock.now() })
  }
}
