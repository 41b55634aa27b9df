export type LaneName = 'command' | 'event' | 'state'

/** What the user picked: a row of one lane, by its index in that log (not its filtered place). */
export interface Selection {
  lane: LaneName
  index: number
}

/** The rows linked to the selection: the command, the events it made, the states they made. */
export interface Related {
  command: number | undefined
  events: readonly number[]
  states: readonly number[]
}

export const NOTHING_RELATED: Related = { command: undefined, events: [], states: [] }

/** Position of `value` in the sorted `list`, or -1. */
export function indexIn(list: readonly number[], value: number, count = list.length): number {
  let lo = 0
  let hi = count - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const v = list[mid]!
    if (v === value) return mid
    if (v < value) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}
