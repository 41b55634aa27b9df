import { decide } from './decide'
import { eventEntry, type MutableCommandEntry, type MutableEventEntry } from './entries'
import { deepEqual } from './equal'
import { guarded, type Internals } from './internals'
import type { StateLog } from './stateLog'
import type { CommandMap } from './types'

/**
 * Re-runs one recorded command, with its recorded ctx values, on the head state of `log`, and
 * pushes the events it makes now. Event ids are kept by position, and an event equal to the one
 * it replaces keeps its entry (and so its skip flag). Hot reload and rebase both use this.
 * Returns how many events were added, removed or replaced.
 */
export function rerunCommand<S>(
  core: Internals<S>,
  log: StateLog<S>,
  handlers: CommandMap<S, any>,
  command: MutableCommandEntry,
  previous: ReadonlyMap<string, MutableEventEntry>,
): number {
  const decision = decide(handlers, log.headState, command.command, command.ctx, (run) =>
    guarded(core, 'handler', run),
  )
  let changed = Math.max(0, command.eventIds.length - decision.events.length)
  const ids = decision.events.map((_, i) => command.eventIds[i] ?? core.nextId())
  decision.events.forEach((event, i) => {
    const old = previous.get(ids[i]!)
    if (old && deepEqual(old.event, event)) {
      log.push(old)
      return
    }
    changed++
    const entry = eventEntry(ids[i]!, event, command.at, command.id)
    if (old) entry.skipped = old.skipped
    log.push(entry)
  })
  command.eventIds = ids
  command.error = decision.error
  command.ctx = decision.ctx
  return changed
}
