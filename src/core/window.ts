import type { MutableCommandEntry, MutableEventEntry } from './entries'
import { makeFold } from './fold'
import { announce, events, foldOldest, type Internals } from './internals'
import type { StateLog } from './stateLog'

/**
 * The history window. A synced store keeps the recent events in memory above a base state; the
 * settled events before them are folded into the base and kept elsewhere (IndexedDB pages, the
 * server), keeping their history indexes: `history.start` counts them. These operations move
 * the lower edge of the window; the sync client decides when, and where pages are kept. Only the
 * sync entry imports this module, so apps without sync do not ship it.
 */

/** A stretch of earlier history: the state before its first event, and the events. */
export interface Page<S> {
  /** History index of the first event. */
  from: number
  /** The state before the first event. */
  base: S
  events: MutableEventEntry[]
  /** Commands all of whose events are in the page (a store with handlers keeps them). */
  commands: MutableCommandEntry[]
  /** More states known inside the page (by index into `events`), kept as checkpoints. */
  states?: { at: number; state: S }[]
}

/**
 * Takes up to `count` of the oldest events out of memory, never past a pending event or the
 * viewed state; returns them as a page (undefined when none could go). None goes while one of
 * them is skipped: the pages kept elsewhere hold the states with it, so a skip (and all after
 * it) stays in memory until it is un-skipped.
 */
export function evict<S>(core: Internals<S>, count: number): Page<S> | undefined {
  count = Math.min(count, core.settled, core.cursor ?? count)
  const from = core.start
  const base = core.log.base
  const list = events(core).slice(0, count)
  if (count <= 0 || list.some((e) => e.skipped)) return undefined
  const commands = foldOldest(core, count, true)
  // The ids guard against applying a pulled event twice; events this old are guarded by the
  // position the puller reads after, so the set stays as small as the window.
  for (const e of list) core.settledIds?.delete(e.id)
  announce(core, core.view, 'logs')
  return { from, base, events: list, commands }
}

/** Puts a page that ends where the window begins back before it (`history.loadEarlier`). */
export function extend<S>(core: Internals<S>, page: Page<S>): void {
  const n = page.events.length
  prepend(core.log, page.events, [{ at: 0, state: page.base }, ...(page.states ?? [])])
  core.start = page.from
  core.settled += n
  if (core.cursor !== undefined) core.cursor += n
  if (core.handlers) core.commands = [...page.commands, ...core.commands]
  for (const e of page.events) core.settledIds?.add(e.id)
  announce(core, core.view, 'logs')
}

/**
 * Put `entries` (earlier events) before the log. `states` are states known in that stretch, by
 * index into `entries`; the first, at 0, becomes the base. The states between are recomputed
 * from them when first asked for, and checkpointed then (`StateLog.at`).
 */
function prepend<S>(
  log: StateLog<S>,
  entries: readonly MutableEventEntry[],
  states: readonly { at: number; state: S }[],
): void {
  log.edits++
  log.entries = [...entries, ...log.entries]
  log.offset -= entries.length
  log.folded += entries.length
  const known = states.map((s) => ({ index: log.offset + s.at, state: s.state }))
  log.checkpoints = [...known, ...log.checkpoints]
}

/**
 * The state after the first `count` events in memory as the server folds them: a skip is a
 * devtools what-if, so what is kept of the settled history (the snapshot) leaves it out. The
 * base never holds one (`evict` keeps skipped events in memory); without a skip this is a read.
 */
export function unskipped<S>(core: Internals<S>, count: number): S {
  const list = events(core)
  let i = list.findIndex((e, k) => k < count && e.skipped)
  if (i < 0) return core.log.at(count)
  let state = core.log.at(i)
  const fold = makeFold(core, core.reducer)
  for (; i < count; i++) {
    const entry = list[i]!
    if (entry.rejected !== undefined) continue
    try {
      state = fold(state, entry.event)
    } catch {
      // As the live fold does: the state stays as it was.
    }
  }
  return state
}
