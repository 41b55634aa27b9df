import { deepEqual, type Store } from '@strata/state'
import type { BisectResult } from './protocol'

/**
 * Binary-searches states 0 to `upTo` for the first event after which `select(state)` equals what
 * it is at `upTo`, as `git bisect` does: it assumes the value, once it became the target, stayed
 * so. About log2(n) states are read, each recomputed from the nearest checkpoint. Only the
 * states in memory, from `history.start`: a value that was already so there has no index.
 */
export function bisect(
  store: Store<any, any, any>,
  select: (state: unknown) => unknown,
  upTo: number = store.history.cursor,
): BisectResult {
  const { states, events } = store.logs
  const first = store.history.start
  const end = Math.max(first, Math.min(upTo, states.length - 1))
  const value = select(states.at(end))
  const probes: BisectResult['probes'] = []
  const equal = (index: number) => {
    const same = deepEqual(select(states.at(index)), value)
    probes.push({ index, equal: same })
    return same
  }
  if (end === first || equal(first)) {
    return { index: undefined, eventId: undefined, eventType: undefined, probes, value }
  }
  let lo = first
  let hi = end
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2)
    if (equal(mid)) hi = mid
    else lo = mid
  }
  const entry = events[hi - 1 - first]!
  return { index: hi - 1, eventId: entry.id, eventType: entry.type, probes, value }
}
