import { deepEqual, type EventEntry, type Store } from '@strata/state'
import { getAt } from './paths'
import type { EventQuery, Path, RequestMap } from './protocol'
import { clampRange } from './rows'

type AnyStore = Store<any, any, any>

/**
 * Index of the first item matching `test`, looking outward from `estimate`. Commands and the
 * events they made sit at about the same relative place in their logs, so this usually finds
 * its item within a few steps, without an id index over a million entries.
 */
export function findNear<T>(list: readonly T[], estimate: number, test: (item: T) => boolean) {
  const n = list.length
  const start = Math.max(0, Math.min(n - 1, Math.round(estimate)))
  for (let d = 0; d < n; d++) {
    const up = start + d
    const down = start - d - 1
    if (up >= n && down < 0) break
    if (up < n && test(list[up]!)) return up
    if (down >= 0 && test(list[down]!)) return down
  }
  return -1
}

/** History indexes of the events of a command (index into the commands in memory). */
function eventsOfCommand(store: AnyStore, commandIndex: number): number[] {
  const { commands, events } = store.logs
  const base = store.history.start
  const command = commands[commandIndex]
  if (!command || command.eventIds.length === 0) return []
  const estimate = (commandIndex / Math.max(1, commands.length)) * events.length
  const out: number[] = []
  let guess = estimate
  for (const id of command.eventIds) {
    // The next event of a command is nearly always right after the previous one.
    const at = findNear(events, guess, (e) => e.id === id)
    if (at >= 0) {
      out.push(base + at)
      guess = at + 1
    }
  }
  return out
}

export function related(
  store: AnyStore,
  { lane, index }: RequestMap['related']['params'],
): RequestMap['related']['result'] {
  const { commands, events } = store.logs
  const base = store.history.start
  let command: number | undefined
  if (lane === 'command') command = index
  else {
    const eventIndex = lane === 'event' ? index : index - 1
    const entry = events[eventIndex - base]
    if (!entry) return { command: undefined, events: [], states: lane === 'state' ? [index] : [] }
    if (entry.commandId !== undefined) {
      const id = entry.commandId
      const estimate = ((eventIndex - base) / Math.max(1, events.length)) * commands.length
      const at = findNear(commands, estimate, (c) => c.id === id)
      if (at >= 0) command = at
    }
    if (command === undefined) return { command, events: [eventIndex], states: [eventIndex + 1] }
  }
  const made = eventsOfCommand(store, command)
  return { command, events: made, states: made.map((i) => i + 1) }
}

function matcher(query: EventQuery): (entry: EventEntry) => boolean {
  const types = query.types?.length ? new Set(query.types) : undefined
  const text = query.text?.trim().toLowerCase() || undefined
  const flags = query.flags?.length ? query.flags : undefined
  return (entry) => {
    if (types && !types.has(entry.type)) return false
    if (flags) {
      const hit = flags.some((f) =>
        f === 'error'
          ? entry.error !== undefined
          : f === 'rejected'
            ? entry.rejected !== undefined
            : f === 'skipped'
              ? entry.skipped
              : entry.origin === 'remote',
      )
      if (!hit) return false
    }
    if (!text) return true
    if (entry.type.toLowerCase().includes(text)) return true
    return payloadText(entry.payload).includes(text)
  }
}

function payloadText(payload: unknown): string {
  if (payload === undefined) return ''
  if (typeof payload === 'string') return payload.toLowerCase()
  try {
    return (JSON.stringify(payload) ?? '').toLowerCase()
  } catch {
    return ''
  }
}

/**
 * Matching event indexes from `from` on. Stops after `limit` matches or `budget` ms, and says
 * where to go on: a filter over a million events fills in over a few requests, never blocking.
 */
export function search(
  store: AnyStore,
  { query, from, limit = 5000, budget = 12 }: RequestMap['search']['params'],
): RequestMap['search']['result'] {
  const events = store.logs.events
  const base = store.history.start
  const test = matcher(query)
  const matches: number[] = []
  const deadline = performance.now() + budget
  // Only the events in memory: history indexes from `history.start`.
  let i = Math.max(0, from - base)
  for (; i < events.length && matches.length < limit; i++) {
    if (test(events[i]!)) matches.push(base + i)
    if ((i & 1023) === 1023 && performance.now() > deadline) {
      i++
      break
    }
  }
  return { matches, next: i < events.length ? base + i : undefined }
}

/** Indexes of failed, rejected and skipped events, for the markers on the slider. */
export function marks(store: AnyStore, limit = 500): RequestMap['marks']['result'] {
  const errors: number[] = []
  const rejected: number[] = []
  const skipped: number[] = []
  let truncated = false
  const events = store.logs.events
  const base = store.history.start
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!
    const at = base + i
    if (e.error !== undefined) truncated = push(errors, at, limit) || truncated
    if (e.rejected !== undefined) truncated = push(rejected, at, limit) || truncated
    if (e.skipped) truncated = push(skipped, at, limit) || truncated
  }
  return { errors, rejected, skipped, truncated }
}

function push(list: number[], value: number, limit: number): boolean {
  if (list.length >= limit) return true
  list.push(value)
  return false
}

/** Distinct event types, newest first, for the type filter. */
export function eventTypes(store: AnyStore, limit = 200_000) {
  const events = store.logs.events
  const seen = new Set<string>()
  const stop = Math.max(0, events.length - limit)
  for (let i = events.length - 1; i >= stop; i--) seen.add(events[i]!.type)
  return { types: [...seen].sort(), scanned: events.length - stop }
}

/** Events in `[start, end)` after which the value at `path` differs from before. */
export function touches(store: AnyStore, path: Path, start: number, end: number): number[] {
  const { states } = store.logs
  const [from, to] = clampRange(start, end, states.length - 1, 2000, store.history.start)
  const out: number[] = []
  let before = getAt(states.at(from), path)
  for (let i = from; i < to; i++) {
    const after = getAt(states.at(i + 1), path)
    if (!deepEqual(before, after)) out.push(i)
    before = after
  }
  return out
}
