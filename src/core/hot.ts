import type { MutableCommandEntry, MutableEventEntry } from './entries'
import { deepEqual } from './equal'
import { expected } from './errors'
import { events, type Internals, newStateLog, refreshView } from './internals'
import { derivedCommands } from './passthrough'
import { rerunCommand } from './rerun'
import type { StateLog } from './stateLog'
import type { CommandMap, HotReport, Reducer, ReplaceReducerOptions } from './types'

/**
 * Keep commands and events; recompute the states in memory with the new reducer, from the base
 * state. With `refold: 'all'`, the events before the window are paged through it too (by the
 * sync client, in chunks), and the base is replaced by their new fold once they all were.
 */
export function replaceReducer<S>(
  core: Internals<S>,
  reducer: Reducer<S, any>,
  options?: ReplaceReducerOptions,
): HotReport {
  if (typeof reducer !== 'function') {
    expected('replaceReducer', 'a reducer function', reducer)
  }
  const before = core.log
  core.reducer = reducer
  core.log = newStateLog(core, events(core), reducer, before)
  const report = finish(core, 'reducer', before, 0)
  if (options?.refold === 'all') {
    const source = core.earlier
    const refolding = source
      ? source.refold().then((base) => {
          const old = core.log
          core.log = newStateLog(core, events(core), core.reducer, old, base as S)
          return finish(core, 'reducer', old, 0, true)
        })
      : Promise.resolve(report)
    const clear = () => {
      if (core.refolding === refolding) core.refolding = undefined
    }
    core.refolding = refolding
    refolding.then(clear, clear)
  }
  return report
}

/**
 * Re-run the recorded commands, with their recorded ctx values, through new handlers; replace the
 * events they made, keeping ids by position; then recompute the states. Events a server has
 * confirmed, and events from elsewhere, stay as they are.
 */
export function replaceCommands<S>(core: Internals<S>, handlers: CommandMap<S, any>): HotReport {
  if (typeof handlers !== 'object' || handlers === null) {
    expected('replaceCommands', 'an object of command handlers', handlers)
  }
  if (!core.handlers) core.commands = derivedCommands(core).slice()
  const before = core.log
  const old = events(core)
  const byId = new Map(old.map((e) => [e.id, e]))
  const index = new Map(core.commands.map((c, i) => [c.id, i]))
  // A new log over a fresh entries array: each command is re-run on the state it saw before.
  const log = newStateLog(core, [], core.reducer, before)
  const emit = (entry: MutableEventEntry) => log.push(entry)
  let changed = 0
  const rerun = (command: MutableCommandEntry) => {
    const pinned = command.eventIds.some((id) => {
      const e = byId.get(id)
      return e === undefined || e.position !== undefined || e.rejected !== undefined
    })
    if (!pinned) changed += rerunCommand(core, log, handlers, command, byId)
    else for (const e of command.eventIds.map((id) => byId.get(id))) if (e) emit(e)
  }
  let next = 0
  const runUpTo = (last: number) => {
    for (; next <= last; next++) rerun(core.commands[next]!)
  }
  for (const entry of old) {
    const ci = entry.commandId === undefined ? undefined : index.get(entry.commandId)
    if (ci === undefined) emit(entry)
    else if (ci >= next) runUpTo(ci)
  }
  runUpTo(core.commands.length - 1)
  core.handlers = handlers
  core.log = log
  return finish(core, 'commands', before, changed)
}

function finish<S>(
  core: Internals<S>,
  kind: HotReport['kind'],
  before: StateLog<S>,
  eventsChanged: number,
  refoldedBase = false,
): HotReport {
  const index = firstDifference(before, core.log)
  core.log.dropForced()
  const list = events(core)
  const entry =
    index === undefined ? undefined : ((list[index] ?? before.entries[index]) as MutableEventEntry)
  const report: HotReport = {
    kind,
    changed: index !== undefined || eventsChanged > 0,
    firstChangedIndex: index === undefined ? undefined : core.start + index,
    firstChangedEventId: entry?.id,
    firstChangedEventType: entry?.type,
    eventsChanged,
    // Events folded into the base (evicted, limit, commit) were folded by the code before.
    baseFromEarlierCode: kind === 'reducer' && !refoldedBase && core.log.base !== core.initialState,
    at: core.start + list.length,
  }
  core.reports.push(report)
  refreshView(core)
  return report
}

/**
 * Index of the first event after which the two logs' states differ. Both logs keep a state at
 * the old log's checkpoints (the new one is built with them forced), so those are compared
 * without replaying; only the first differing stretch is walked event by event. A difference
 * that appears and vanishes again between two checkpoints is not seen.
 */
export function firstDifference<S>(before: StateLog<S>, after: StateLog<S>): number | undefined {
  const n = Math.min(before.length, after.length)
  const stops = before.checkpointIndexes().filter((i) => i > 0 && i < n)
  stops.push(n)
  let from = 0
  for (const stop of stops) {
    if (!deepEqual(before.at(stop), after.at(stop))) {
      for (let i = from + 1; i <= stop; i++) {
        if (!deepEqual(before.at(i), after.at(i))) return i - 1
      }
    }
    from = stop
  }
  return before.length === after.length ? undefined : n
}
