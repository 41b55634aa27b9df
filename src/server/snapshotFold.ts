import { produce } from 'immer'
import type { SnapshotConfig } from './snapshotConfig'

/** A reducer's run returned a state instead of mutating the draft: fold that run event by event. */
const RETURNED = Symbol('returned')

/**
 * Folds a run of events into a snapshot state. An immer reducer runs the whole run on one draft:
 * a draft made and finalized per event cost more than most reducers themselves (a re-fold of a
 * long history is mostly that). When the reducer throws on an event of the run, or returns a
 * state rather than mutating the draft, the run is folded again event by event from its start,
 * so that the event that threw keeps its error (`onThrow`) and the state stays as it was before
 * it, as on the client.
 */
export function foldRun(
  config: SnapshotConfig,
  state: unknown,
  events: readonly { type: string }[],
  onThrow: (index: number, cause: unknown) => void,
): unknown {
  const { reducer } = config
  const one =
    config.immer === false
      ? (s: unknown, e: { type: string }) => reducer(s, e)
      : (s: unknown, e: { type: string }) =>
          produce(s, (draft: unknown) => reducer(draft, e) as never)
  if (config.immer !== false && events.length > 1) {
    try {
      return produce(state, (draft: unknown) => {
        for (const event of events) {
          const next = reducer(draft, event)
          if (next !== undefined && next !== draft) throw RETURNED
        }
      })
    } catch {
      // Event by event below: the throw is reported there, on its event.
    }
  }
  for (let i = 0; i < events.length; i++) {
    try {
      state = one(state, events[i]!)
    } catch (cause) {
      onThrow(i, cause)
    }
  }
  return state
}
