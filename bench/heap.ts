/** Heap bytes per recorded event: Strata's store against keeping every state. */
import type { Board } from './board'
import { workload } from './board'
import { type Kind, pureReducer, recordStrata } from './contestants'
import { fmtBytes, fmtCount, fmtRatio, heapUsed, note, printTable, progress } from './util'

export function heapBench(kind: Kind, n: number): void {
  progress(`heap ${kind} ${fmtCount(n)}`)
  const w = workload()
  const start = heapUsed()
  let events = w.events(n)
  const eventsBytes = heapUsed() - start

  let before = heapUsed()
  let store: ReturnType<typeof recordStrata> | undefined = recordStrata(
    kind,
    w.initialState,
    events,
  )
  const strataBytes = heapUsed() - before
  if (store.history.length !== n) throw new Error('store lost events')
  store = undefined

  before = heapUsed()
  const reducer = pureReducer(kind)
  let states: Board[] | undefined = [w.initialState]
  for (const e of events) states.push(reducer(states[states.length - 1]!, e))
  const allBytes = heapUsed() - before
  if (states.length !== n + 1) throw new Error('lost states')
  states = undefined
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
      row('the event objects themselves', eventsBytes),
    ],
  )
  note('Strata retains the events it is given; their own cost is the last row, not counted above.')
}
