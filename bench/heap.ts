/** Heap bytes per recorded event: Strata's store against keeping every state. */
import type { Board } from './board'
import { workload } from './board'
import { fold, type Kind, pureReducer, recordStrata } from './contestants'
import { fmtBytes, fmtCount, fmtRatio, heapUsed, note, printTable, progress } from './util'

/** Bytes the heap grew by while `make` ran, with its result kept alive until measured. */
function retained<T>(make: () => T, check: (value: T) => boolean): number {
  const before = heapUsed()
  const value = make()
  const bytes = heapUsed() - before
  if (!check(value)) throw new Error('[strata] bench: lost what was measured')
  return bytes
}

export function heapBench(kind: Kind, n: number): void {
  progress(`heap ${kind} ${fmtCount(n)}`)
  // Warm up first: code compiled on first use would otherwise be billed to what runs first.
  const warm = workload(7)
  const warmEvents = warm.events(500)
  fold(kind, warm.initialState, warmEvents)
  recordStrata(kind, warm.initialState, warmEvents, { checkpointEveryMs: 0.5 })
  const w = workload()
  let events = w.events(0)
  // The events as the reducer leaves them: immer freezes the payload objects it puts in a state.
  const eventsBytes = retained(
    () => {
      events = w.events(n)
      fold(kind, w.initialState, events)
    },
    () => events.length === n,
  )
  const strata = (history = {}) =>
    retained(
      () => recordStrata(kind, w.initialState, events, history),
      (store) => store.history.length === n,
    )
  const strataBytes = strata()
  const entriesBytes = strata({ checkpointEveryMs: Number.POSITIVE_INFINITY })
  const reducer = pureReducer(kind)
  const allBytes = retained(
    () => {
      const states: Board[] = [w.initialState]
      for (const e of events) states.push(reducer(states[states.length - 1]!, e))
      return states
    },
    (states) => states.length === n + 1,
  )
  events = []

  const row = (what: string, bytes: number, target = '', pass?: boolean) => ({
    cells: {
      events: fmtCount(n),
      what,
      'per event': fmtBytes(bytes / n),
      total: fmtBytes(bytes),
      'vs every state': fmtRatio(bytes / allBytes),
      target,
    },
    pass,
  })
  printTable(
    `heap per recorded event, ${kind} reducer`,
    ['events', 'what', 'per event', 'total', 'vs every state', 'target'],
    [
      row('keeping every state (array of states)', allBytes),
      row('Strata store (events excluded)', strataBytes, '<= 0.10x', strataBytes <= allBytes / 10),
      row('  of which log entries (no checkpoints)', entriesBytes),
      row('the event objects themselves', eventsBytes),
    ],
  )
  note('Strata retains the events it is given; their own cost is the last row, not counted above.')
}
