import { expected } from './errors'
import {
  announce,
  events,
  foldOldest,
  type Internals,
  logIndex,
  newStateLog,
  refreshView,
} from './internals'
import { load } from './load'
import type { HistoryApi } from './types'

/** Move the view to the state after the first `index` events; the head index means live. */
export function jumpTo<S>(core: Internals<S>, index: number): void {
  const i = logIndex(core, index) // throws a RangeError before anything moves
  const view = core.log.at(i)
  const prev = core.view
  core.cursor = i === core.log.length ? undefined : i
  core.view = view
  announce(core, prev, 'view')
}

/** Steps stop at the first state in memory. */
export function step<S>(core: Internals<S>, delta: number): void {
  if (!Number.isInteger(delta)) expected('history.step', 'an integer', delta)
  const length = core.log.length
  const to = Math.min(length, Math.max(0, (core.cursor ?? length) + delta))
  jumpTo(core, core.start + to)
}

export function toLive<S>(core: Internals<S>): void {
  jumpTo(core, core.start + core.log.length)
}

/** Skip or un-skip one event, then recompute every state after it. */
export function toggle<S>(core: Internals<S>, eventId: string): boolean {
  const list = events(core)
  let index = list.length - 1
  while (index >= 0 && list[index]!.id !== eventId) index--
  if (index < 0) {
    throw new RangeError(
      `[strata] history.toggle: no event with id ${JSON.stringify(eventId)} ${core.start ? `in memory (events ${core.start} on; await history.toggleEarlier(id) pages in the others)` : 'in the log'}.`,
    )
  }
  const entry = list[index]!
  entry.skipped = !entry.skipped
  core.log.rederive(index)
  refreshView(core)
  return entry.skipped
}

/**
 * `toggle` for an event that may be before the window: one in memory is toggled before this
 * returns; for any other the sync client folds the window's base again with it toggled (kept
 * aside, window.ts), and the window's states are folded from that base. An id it does not find
 * is refused as `toggle` refuses it.
 */
export async function toggleEarlier<S>(core: Internals<S>, eventId: string): Promise<boolean> {
  const found = events(core).some((e) => e.id === eventId) || !core.earlier
  const toggled = found ? undefined : await core.earlier!.toggle(eventId)
  if (!toggled) return toggle(core, eventId)
  core.log = newStateLog(core, events(core), core.reducer, core.log, toggled[0] as S)
  refreshView(core)
  return toggled[1]
}

/** Make the viewed state the new base, as Redux DevTools' COMMIT does. */
export function commit<S>(core: Internals<S>): void {
  foldOldest(core, core.cursor ?? core.log.length)
  // The viewed state may be the same object, but cursor and length moved: tell subscribers.
  refreshView(core, 'dispatch')
}

export function historyApi<S>(core: Internals<S>): HistoryApi<S> {
  return {
    get cursor() {
      return core.start + (core.cursor ?? core.log.length)
    },
    get length() {
      return core.start + core.log.length
    },
    get start() {
      return core.start
    },
    loadEarlier(count) {
      if (count !== undefined && !(Number.isInteger(count) && count > 0)) {
        expected('history.loadEarlier', 'a positive integer count', count)
      }
      return core.earlier ? core.earlier.load(count) : Promise.resolve(0)
    },
    get isLive() {
      return core.cursor === undefined
    },
    jumpTo: (index) => jumpTo(core, index),
    step: (delta) => step(core, delta),
    toLive: () => toLive(core),
    toggle: (eventId) => toggle(core, eventId),
    toggleEarlier: (eventId) => toggleEarlier(core, eventId),
    commit: () => commit(core),
    load: (data) => load(core, data),
    lock(locked = true) {
      core.locked = locked
      announce(core, core.view, 'logs')
    },
    get locked() {
      return core.locked
    },
  }
}
