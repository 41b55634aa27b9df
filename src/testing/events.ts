import type { AnyEvent } from '@strata/state'
import { type Change, diffValues, formatChanges } from './diff'
import { folder } from './fold'
import type { Session, SessionCheckpoint } from './format'
import { hasher } from './hash'
import type { Divergence, ReplayConfig, ReplayResult } from './replay'

export type EventsResult<S> = Omit<ReplayResult<S>, 'ok' | 'compatibility' | 'erasures'>

/**
 * Folds the (upcast) events with today's reducer, one window between checkpoints at a time.
 * Each window starts from the recorded state at its start (the previous window's state when it
 * matched), so a divergence in one window does not hide or cause one in another.
 *
 * The first diverging event of a window is found with the per-event state hashes: the first
 * event whose state's hash differs from the recorded one. The recorded states themselves are
 * only at checkpoints, which is what the diff shows.
 */
export function replayEvents<S>(
  session: Session<S>,
  events: AnyEvent[],
  config: ReplayConfig<S>,
): EventsResult<S> {
  const out: EventsResult<S> = {
    finalState: session.initialState,
    checkpoints: [],
    divergences: [],
    errors: [],
  }
  const everyEvent = config.check !== 'checkpoints'
  const hash = hasher()
  let state = session.initialState
  let from = 0
  for (const cp of session.checkpoints) {
    const window = { session, events, config, from, to: cp.index }
    const run = foldWindow(window, state, everyEvent ? hash : undefined)
    out.errors.push(...run.errors)
    const changes = diffValues(cp.state, run.state)
    let first = run.first
    // Checking only checkpoints: hash this window's events now, to name its first divergence.
    if (!everyEvent && changes.length > 0) first = foldWindow(window, state, hasher()).first
    const matches = changes.length === 0 && first === undefined
    out.checkpoints.push({ index: cp.index, state: run.state, matches })
    if (!matches) out.divergences.push(divergence(session, cp, from, first, run.state, changes))
    state = matches ? run.state : cp.state
    from = cp.index
  }
  out.finalState = state
  if (out.divergences.length > 0) continuous(session, events, config, out)
  return out
}

interface Window<S> {
  session: Session<S>
  events: AnyEvent[]
  config: ReplayConfig<S>
  from: number
  to: number
}

/** Folds events `from` to `to - 1` onto `start`; with `hash`, notes the first that differs. */
function foldWindow<S>(w: Window<S>, start: S, hash: ((state: unknown) => string) | undefined) {
  const fold = folder(start, w.config.reducer, w.config.immer)
  const errors: EventsResult<S>['errors'] = []
  let first: number | undefined
  for (let i = w.from; i < w.to; i++) {
    const entry = w.session.events[i]!
    if (entry.skipped) continue
    const error = fold.apply(w.events[i]!)
    if (error !== undefined) errors.push({ index: i, type: w.events[i]!.type, error })
    if (
      hash &&
      first === undefined &&
      entry.hash !== undefined &&
      hash(fold.state) !== entry.hash
    ) {
      first = i
    }
  }
  return { state: fold.state, first, errors }
}

/** After a divergence the windows were re-seeded: fold once more, straight through, for today's states. */
function continuous<S>(
  session: Session<S>,
  events: AnyEvent[],
  config: ReplayConfig<S>,
  out: EventsResult<S>,
): void {
  const fold = folder(session.initialState, config.reducer, config.immer)
  let i = 0
  for (const cp of out.checkpoints) {
    for (; i < cp.index; i++) if (!session.events[i]!.skipped) fold.apply(events[i]!)
    cp.state = fold.state
  }
  out.finalState = fold.state
}

function divergence<S>(
  session: Session<S>,
  cp: SessionCheckpoint<S>,
  from: number,
  first: number | undefined,
  actual: S,
  changes: Change[],
): Divergence {
  const exact = first !== undefined
  const index = first ?? from
  const entry = session.events[index]
  const type = entry?.event.type ?? '(none)'
  const where = exact
    ? `Event ${index} (${JSON.stringify(type)}) is the first after which today's state differs from the recorded one`
    : `Today's state differs from the recorded one after one of events ${from} to ${cp.index - 1} (no per-event state hash in that stretch tells which)`
  const tail =
    changes.length > 0
      ? `; at checkpoint ${cp.index} (after ${cp.index} events) the states differ.`
      : `; at checkpoint ${cp.index} they agree again, so there is no recorded state to show.`
  return {
    kind: 'state',
    index,
    type,
    eventId: entry?.id,
    exact,
    from,
    checkpoint: cp.index,
    expected: cp.state,
    actual,
    diff: formatChanges(changes),
    summary: where + tail,
  }
}
