import { isEventLike } from './decide'
import { commandEntry, eventEntry } from './entries'
import { EVENT, expected } from './errors'
import { makeFold } from './fold'
import { assertNotBusy, foldOldest, type Internals, refreshView } from './internals'
import { StateLog } from './stateLog'
import type { LoadData } from './types'

/**
 * Replace the logs wholesale (a devtools import, Redux DevTools' IMPORT_STATE, ROLLBACK, RESET)
 * and recompute the states with today's reducer. Entries keep their ids, skip flags and
 * positions; the command log is taken as given (a pass-through store makes it from the events).
 */
export function load<S>(core: Internals<S>, data: LoadData<S>): void {
  assertNotBusy(core, 'load the history')
  if (typeof data !== 'object' || data === null || !Array.isArray(data.events)) {
    expected('history.load', '{ initialState?, events: [...], commands? }', data)
  }
  const entries = data.events.map((e, i) => {
    if (!isEventLike(e?.event))
      expected('history.load', `events[${i}].event to be ${EVENT}`, e?.event)
    const entry = eventEntry(
      e.id ?? core.nextId(),
      e.event,
      e.at ?? 0,
      e.commandId,
      e.origin,
      e.position,
    )
    entry.skipped = e.skipped === true
    entry.rejected = e.rejected
    return entry
  })
  core.commands = (data.commands ?? []).map((c, i) => {
    if (!isEventLike(c?.command)) {
      expected('history.load', `commands[${i}].command to be ${EVENT}`, c?.command)
    }
    const entry = commandEntry(c.id, c.command, c.at ?? 0)
    entry.ctx = c.ctx
    entry.eventIds = [...(c.eventIds ?? [])]
    entry.error = c.error
    return entry
  })
  const base = 'initialState' in data ? (data.initialState as S) : core.log.base
  core.log = new StateLog(entries, base, makeFold(core, core.reducer), core.budgetMs)
  core.settled = 0
  core.settledIds = undefined
  core.cursor = undefined
  // A loaded history is a history of its own: nothing earlier to page in.
  core.start = 0
  core.earlier = undefined
  if (core.log.length > core.limit) foldOldest(core, core.log.length - core.limit)
  refreshView(core)
}
