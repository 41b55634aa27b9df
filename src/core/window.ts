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
  /** Not read (the states inside a page are folded again when first asked for); kept for types. */
  states?: { at: number; state: S }[]
}

/**
 * Takes up to `count` of the oldest events out of memory, never past a pending event or the
 * viewed state; returns them as a page (undefined when none could go). A skipped one among them
 * is kept aside (`core.aside`) so that it can be un-skipped: memory stays the window's size
 * after a skip before it. The base then holds the skip, and `core.aside.state` the fold without.
 */
export function evict<S>(core: Internals<S>, count: number): Page<S> | undefined {
  count = Math.min(count, core.settled, core.cursor ?? count)
  const from = core.start
  const base = core.log.base
  const list = events(core).slice(0, count)
  if (count <= 0) return undefined
  const kept = new Map(core.aside?.events)
  for (const [i, e] of list.entries()) if (e.skipped) kept.set(from + i, e)
  if (kept.size) core.aside = { index: from + count, state: unskipped(core, count), events: kept }
  const commands = foldOldest(core, count, true)
  // The ids guard against applying a pulled event twice; events this old are guarded by the
  // position the puller reads after, so the set stays as small as the window.
  for (const e of list) core.settledIds?.delete(e.id)
  announce(core, core.view, 'logs')
  return { from, base, events: list, commands }
}

/**
 * Puts a page that ends where the window begins back before it (`history.loadEarlier`). While
 * skipped events are kept aside, one in the page takes its copy's place (pages keep no skip) and
 * the states in memory are folded again; the caller pages on until none is left aside.
 */
export function extend<S>(core: Internals<S>, page: Page<S>): void {
  const n = page.events.length
  const aside = core.aside?.events
  if (aside) {
    page.events = page.events.map((e, j) => {
      const kept = aside.get(page.from + j)
      aside.delete(page.from + j)
      return kept ?? e
    })
    if (!aside.size) core.aside = undefined
  }
  prepend(core.log, page.events, page.base)
  if (aside) core.log.rederive(0)
  core.start = page.from
  core.settled += n
  if (core.cursor !== undefined) core.cursor += n
  if (core.handlers) core.commands = [...page.commands, ...core.commands]
  for (const e of page.events) core.settledIds?.add(e.id)
  announce(core, core.view, 'logs')
}

/**
 * Put `entries` (earlier events) before the log, `base` the state before them. The states
 * between are recomputed from it when first asked for, and checkpointed then (`StateLog.at`).
 */
function prepend<S>(log: StateLog<S>, entries: readonly MutableEventEntry[], base: S): void {
  log.edits++
  log.entries = [...entries, ...log.entries]
  log.offset -= entries.length
  log.folded += entries.length
  log.checkpoints = [{ index: log.offset, state: base }, ...log.checkpoints]
}

/**
 * The state after the first `count` events in memory as the server folds them: a skip is a
 * devtools what-if, so what is kept of the settled history (the snapshot) leaves it out. With
 * skips kept aside, folded from the state kept with them; without a skip this is a read.
 */
export function unskipped<S>(core: Internals<S>, count: number): S {
  const list = events(core)
  const aside = core.aside
  let i = aside ? aside.index - core.start : list.findIndex((e, k) => k < count && e.skipped)
  if (i < 0 || i > count) return core.log.at(count)
  let state = aside ? aside.state : core.log.at(i)
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
