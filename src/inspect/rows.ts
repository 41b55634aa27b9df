import type { CommandEntry, EventEntry, Store } from '@strata/state'
import { toErrorInfo } from './errors'
import { changedPaths } from './paths'
import type { CommandRow, EventRow, StateRow } from './protocol'

type AnyStore = Store<any, any, any>

export function eventRow(entry: EventEntry, index: number): EventRow {
  return {
    index,
    id: entry.id,
    type: entry.type,
    payload: entry.payload,
    at: entry.at,
    commandId: entry.commandId,
    error: toErrorInfo(entry.error),
    skipped: entry.skipped,
    rejected: toErrorInfo(entry.rejected),
    origin: entry.origin,
    position: entry.position,
  }
}

export function commandRow(entry: CommandEntry, index: number): CommandRow {
  return {
    index,
    id: entry.id,
    type: entry.type,
    payload: entry.payload,
    at: entry.at,
    eventIds: entry.eventIds,
    error: toErrorInfo(entry.error),
  }
}

/** Clamp a requested window to `[first, length)`, and to at most `max` rows. */
export function clampRange(start: number, end: number, length: number, max = 2000, first = 0) {
  const from = Math.max(first, Math.min(length, Math.floor(start)))
  const to = Math.max(from, Math.min(length, Math.floor(end), from + max))
  return [from, to] as const
}

/**
 * Rows are numbered by history index: a store whose window holds only recent history
 * (`history.start > 0`) has no rows below it until `loadEarlier` pages them in.
 */
export function eventRows(store: AnyStore, start: number, end: number, states = false) {
  const list = store.logs.events
  const base = store.history.start
  const [from, to] = clampRange(start, end, base + list.length, 2000, base)
  const rows: EventRow[] = []
  for (let i = from; i < to; i++) {
    const row = eventRow(list[i - base]!, i)
    if (states) row.state = store.logs.states.at(i + 1)
    rows.push(row)
  }
  return rows
}

export function commandRows(store: AnyStore, start: number, end: number) {
  const list = store.logs.commands
  const [from, to] = clampRange(start, end, list.length)
  const rows: CommandRow[] = []
  for (let i = from; i < to; i++) rows.push(commandRow(list[i]!, i))
  return rows
}

const PATHS_PER_STATE_ROW = 4

/** States `start` to `end - 1`; consecutive indexes, so `states.at` walks one cached segment. */
export function stateRows(store: AnyStore, start: number, end: number) {
  const { events, states } = store.logs
  const base = store.history.start
  const [from, to] = clampRange(start, end, states.length, 2000, base)
  const rows: StateRow[] = []
  let prev = from > base ? states.at(from - 1) : undefined
  for (let i = from; i < to; i++) {
    const state = states.at(i)
    // The window's base state was made by an event no longer in memory.
    const entry = i > base ? events[i - 1 - base] : undefined
    const changed =
      i > base ? changedPaths(prev, state, PATHS_PER_STATE_ROW) : { paths: [], more: 0 }
    rows.push({
      index: i,
      eventId: entry?.id,
      eventType: entry?.type,
      skipped: entry?.skipped ?? false,
      failed: entry !== undefined && (entry.error !== undefined || entry.rejected !== undefined),
      paths: changed.paths,
      more: changed.more,
    })
    prev = state
  }
  return rows
}
