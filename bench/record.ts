/** Record N events: Strata (unlimited history) against the bare fold and Redux DevTools' engine. */
import { workload } from './board'
import { fold, type Kind, recordInstrument, recordStrata } from './contestants'
import { keep } from './fixtures'
import {
  fmtCount,
  fmtMs,
  fmtRatio,
  measure,
  median,
  printTable,
  progress,
  type Row,
  type Timing,
} from './util'

export interface RecordPlan {
  sizes: number[]
  /** Sizes at which instrument also runs with unlimited history (quadratic: keep it to few). */
  unlimitedAt: number[]
  /** Sizes whose Strata store later benchmarks reuse. */
  keepSizes: number[]
  /** How many times to time each contestant at size n (the median is kept). */
  repeat: (n: number) => number
}

const medianTiming = (runs: Timing[]): Timing => ({
  ms: median(runs.map((t) => t.ms)),
  cpu: median(runs.map((t) => t.cpu)),
})

export function recordBench(kind: Kind, plan: RecordPlan): void {
  // Warm every contestant up so the first timed size is not billed for compilation.
  const warm = workload(7)
  const warmEvents = warm.events(2000)
  fold(kind, warm.initialState, warmEvents)
  recordStrata(kind, warm.initialState, warmEvents)
  recordInstrument(kind, warm.initialState, warmEvents, 50)

  const rows: Row[] = []
  for (const n of plan.sizes) {
    progress(`record ${kind} ${fmtCount(n)}`)
    const w = workload()
    const events = w.events(n)
    // Short runs are repeated, interleaved, and their medians kept: one GC can skew them.
    const runs: [Timing[], Timing[], Timing[]] = [[], [], []]
    let store: ReturnType<typeof recordStrata> | undefined
    for (let r = 0; r < plan.repeat(n); r++) {
      store = undefined
      runs[0].push(measure(() => fold(kind, w.initialState, events)))
      runs[1].push(measure(() => recordInstrument(kind, w.initialState, events, 50)))
      runs[2].push(
        measure(() => {
          store = recordStrata(kind, w.initialState, events)
        }),
      )
    }
    const [floor, maxAge50, strata] = runs.map(medianTiming) as [Timing, Timing, Timing]
    if (plan.keepSizes.includes(n) && store) keep(kind, n, store)
    store = undefined

    const row = (contestant: string, t: Timing, target = '', pass?: boolean) =>
      rows.push({
        cells: {
          N: fmtCount(n),
          contestant,
          total: fmtMs(t.ms),
          'per event': fmtMs(t.ms / n),
          ratio: fmtRatio(t.ms / floor.ms),
          'cpu ratio': fmtRatio(t.cpu / floor.cpu),
          target,
        },
        pass,
      })
    const compare = (
      what: string,
      ratio: number,
      cpuRatio: number,
      target: string,
      pass?: boolean,
    ) =>
      rows.push({
        cells: {
          N: fmtCount(n),
          contestant: `  ${what}`,
          ratio: fmtRatio(ratio),
          'cpu ratio': fmtRatio(cpuRatio),
          target,
        },
        pass,
      })

    row('bare fold (floor)', floor)
    row('Strata, unlimited history', strata, '<= 1.5x floor', strata.ms <= 1.5 * floor.ms)
    row('instrument, maxAge 50', maxAge50)
    compare(
      'Strata / instrument maxAge 50',
      strata.ms / maxAge50.ms,
      strata.cpu / maxAge50.cpu,
      '<= 1.00x',
      strata.ms <= maxAge50.ms,
    )
    if (plan.unlimitedAt.includes(n)) {
      progress(`record ${kind} ${fmtCount(n)}: instrument with unlimited history`)
      const unlimited = measure(() => recordInstrument(kind, w.initialState, events))
      const speedup = unlimited.ms / strata.ms
      row('instrument, unlimited', unlimited)
      const checked = n >= 100_000
      compare(
        'instrument unlimited / Strata',
        speedup,
        unlimited.cpu / strata.cpu,
        checked ? '>= 100x' : '(>= 100x at 100k)',
        checked ? speedup >= 100 : undefined,
      )
    }
  }
  printTable(
    `record N events, ${kind} reducer`,
    ['N', 'contestant', 'total', 'per event', 'ratio', 'cpu ratio', 'target'],
    rows,
  )
}
