import type { MutableCommandEntry, MutableEventEntry } from './entries'
import { events, type Internals } from './internals'

/**
 * In a store without command handlers every command is exactly one event, so its command entry
 * is not kept: it is made from the event on first read of `logs.commands` (sharing the event's
 * id), and the list is extended as events are appended. Recording costs one entry per event.
 */
export function isOwnCommand(entry: MutableEventEntry): boolean {
  return entry.commandId === entry.id
}

export function commandOf(entry: MutableEventEntry): MutableCommandEntry {
  return {
    id: entry.id,
    type: entry.type,
    payload: entry.payload,
    command: entry.event,
    at: entry.at,
    ctx: undefined,
    eventIds: [entry.id],
    error: undefined,
  }
}

interface Derived {
  log: unknown
  edits: number
  seen: number
  list: MutableCommandEntry[]
}

const cache = new WeakMap<Internals<any>, Derived>()

/** The command log of a pass-through store, made from its events and cached. */
export function derivedCommands<S>(core: Internals<S>): MutableCommandEntry[] {
  const list = events(core)
  let derived = cache.get(core)
  if (!derived || derived.log !== core.log || derived.edits !== core.log.edits) {
    derived = { log: core.log, edits: core.log.edits, seen: 0, list: [] }
    cache.set(core, derived)
  }
  for (; derived.seen < list.length; derived.seen++) {
    const entry = list[derived.seen]!
    if (isOwnCommand(entry)) derived.list.push(commandOf(entry))
  }
  return derived.list
}
