/**
 * A Redux-style reducer (returns new states) recorded with the default options against
 * `immer: false`: the default must not make users of such reducers pay for immer's proxies.
 * Measured as production builds run (NODE_ENV=production), and in development, where the state
 * such a reducer gets is deep-frozen to catch a write to it (informational).
 */
import { createStore } from '@strata/state'
import { type Board, type BoardEvent, spreadReducer } from './board'
import { fold } from './contestants'
import { fmtCount, fmtMs, fmtRatio, measure, printTable, progress, type Timing } from './util'

export function reduxStyleBench(initialState: Board, events: readonly BoardEvent[]): void {
  const n = events.length
  progress(`Redux-style reducer, default options ${fmtCount(n)}`)
  const floor = measure(() => fold('spread', initialState, events))
  const record = (mode: 'production' | 'development', immer: false | undefined) => {
    const env = process.env.NODE_ENV
    process.env.NODE_ENV = mode
    try {
      const store = createStore({
        initialState,
        reducer: spreadReducer,
        ...(immer === false ? { immer } : {}),
      })
      for (let i = 0; i < n; i++) store.dispatch(events[i]!)
      return JSON.stringify(store.getState())
    } finally {
      process.env.NODE_ENV = env
    }
  }
  const states: string[] = []
  const run = (mode: 'production' | 'development', immer: false | undefined) =>
    measure(() => states.push(record(mode, immer)))
  const plain = run('production', false)
  const byDefault = run('production', undefined)
  const inDevelopment = run('development', undefined)
  if (new Set(states).size !== 1) throw new Error('the default and immer: false stores disagree')
  const ratio = byDefault.ms / plain.ms
  const cells = (what: string, t: Timing, target = '') => ({
    events: fmtCount(n),
    what,
    total: fmtMs(t.ms),
    'per event': fmtMs(t.ms / n),
    'vs immer: false': fmtRatio(t.ms / plain.ms),
    'cpu ratio': fmtRatio(t.cpu / plain.cpu),
    target,
  })
  printTable(
    'Redux-style (spread) reducer: default options against immer: false',
    ['events', 'what', 'total', 'per event', 'vs immer: false', 'cpu ratio', 'target'],
    [
      { cells: cells('bare fold (floor)', floor) },
      { cells: cells('createStore({ immer: false })', plain) },
      {
        cells: cells('createStore() default, production', byDefault, '<= 1.5x'),
        pass: ratio <= 1.5,
      },
      { cells: cells('createStore() default, development (frozen states)', inDevelopment) },
    ],
  )
}
