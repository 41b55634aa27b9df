/** `hot.replaceReducer` on a recorded store against a bare fold of the same events. */
import { type Board, type BoardEvent, immerReducer, spreadReducer } from './board'
import { fold, type Kind } from './contestants'
import { take } from './fixtures'
import { fmtCount, fmtMs, fmtRatio, measure, printTable, progress, type Timing } from './util'

export function replaceBench(kind: Kind, n: number): void {
  progress(`replaceReducer ${kind} ${fmtCount(n)}`)
  const store = take(kind, n)
  const events = store.logs.events.map((entry) => entry.event)
  const initial = store.getInitialState()
  const floor = measure(() => fold(kind, initial, events))
  // An edited reducer: a new function that behaves the same, as after a hot reload.
  const edited =
    kind === 'spread'
      ? (state: Board, event: BoardEvent) => spreadReducer(state, event)
      : (draft: Board, event: BoardEvent) => immerReducer(draft, event)
  let changed: boolean | undefined
  const replace = measure(() => {
    changed = store.hot.replaceReducer(edited).changed
  })
  const ratio = replace.ms / floor.ms
  const cells = (what: string, t: Timing, target = '') => ({
    events: fmtCount(n),
    what,
    total: fmtMs(t.ms),
    'per event': fmtMs(t.ms / n),
    ratio: fmtRatio(t.ms / floor.ms),
    'cpu ratio': fmtRatio(t.cpu / floor.cpu),
    target,
  })
  printTable(
    `hot.replaceReducer, ${kind} reducer`,
    ['events', 'what', 'total', 'per event', 'ratio', 'cpu ratio', 'target'],
    [
      { cells: cells('bare fold (floor)', floor) },
      {
        cells: cells(`replaceReducer (report.changed: ${changed})`, replace, '<= 1.5x'),
        pass: ratio <= 1.5,
      },
    ],
  )
}
