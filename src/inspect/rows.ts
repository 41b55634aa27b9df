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

/** Clamp a requested window to `[0, length)`, and to at most `max` rows. */
export function clampRange(start: number, end: number, length: number, max = 2000) {
  const from = Math.max(0, Math.min(length, Math.floor(start)))
  const to = Math.max(from, Math.min(length, Math.floor(end), from + max))
  return [from, to] as const
}

export function eventRows(store: AnyStore, start: number, end: number, states = false) {
  const list = store.logs.events
  const [from, to] = clampRange(start, end, list.length)
  const rows: EventRow[] = []
  for (let i = from; i < to; i++) {
    const row = eventRow(list[i]!, i)
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
  const [from, to] = clampRange(start, end, states.length)
  const rows: StateRow[] = []
  let prev = from > 0 ? states.at(from - 1) : undefined
  for (let i = from; i < to; i++) {
    const state = states.at(i)
    const entry = i > 0 ? events[i - 1] : undefined
    const changed = i > 0 ? changedPaths(prev, state, PATHS_PER_STATE_ROW) : { paths: [], more: 0 }
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
