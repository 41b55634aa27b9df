/** `history.jumpTo` at random indexes: its cost must not grow with the length of history. */
import { prng, workload } from './board'
import { type Kind, recordStrata, type StrataStore } from './contestants'
import { take } from './fixtures'
import { fmtCount, fmtMs, fmtRatio, note, printTable, progress, quantile, type Row } from './util'

export interface JumpPlan {
  small: number
  large: number
  /** Random jumps timed on each store. */
  jumps: number
  /** Fresh small stores, each timed on its first jump (nothing cached yet). */
  coldSamples: number
}

const FRAME_MS = 16

interface Stats {
  median: number
  p99: number
  max: number
  count: number
}

function stats(times: number[]): Stats {
  const sorted = [...times].sort((a, b) => a - b)
  return {
    median: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1]!,
    count: sorted.length,
  }
}

function jumpOnce(store: StrataStore, rand: () => number): number {
  const index = Math.floor(rand() * store.history.length)
  const start = performance.now()
  store.history.jumpTo(index)
  return performance.now() - start
}

function randomJumps(store: StrataStore, count: number): Stats {
  const rand = prng(99)
  for (let i = 0; i < 5; i++) jumpOnce(store, rand) // warm-up
  const times: number[] = []
  for (let i = 0; i < count; i++) times.push(jumpOnce(store, rand))
  store.history.toLive()
  return stats(times)
}

function coldJumps(kind: Kind, n: number, samples: number): Stats {
  const w = workload()
  const events = w.events(n)
  const rand = prng(7)
  const times: number[] = []
  for (let i = 0; i < samples; i++) {
    times.push(jumpOnce(recordStrata(kind, w.initialState, events), rand))
  }
  return stats(times)
}

export function jumpBench(kind: Kind, plan: JumpPlan): void {
  progress(`jumpTo ${kind}`)
  const small = randomJumps(take(kind, plan.small), plan.jumps)
  const cold = coldJumps(kind, plan.small, plan.coldSamples)
  const large = randomJumps(take(kind, plan.large), plan.jumps)
  const rows: Row[] = []
  const row = (n: number, mode: string, s: Stats) =>
    rows.push({
      cells: {
        events: fmtCount(n),
        jumps: mode,
        count: String(s.count),
        median: fmtMs(s.median),
        p99: fmtMs(s.p99),
        max: fmtMs(s.max),
        target: `p99 < ${FRAME_MS} ms`,
      },
      pass: s.p99 < FRAME_MS,
    })
  row(plan.small, 'random', small)
  row(plan.small, 'cold (1st on fresh store)', cold)
  row(plan.large, 'random', large)
  const ratio = large.p99 / cold.p99
  rows.push({
    cells: {
      events: `${fmtCount(plan.large)}/${fmtCount(plan.small)}`,
      jumps: 'p99 random / p99 cold',
      median: fmtRatio(large.median / cold.median),
      p99: fmtRatio(ratio),
      target: '<= 2x',
    },
    pass: ratio <= 2,
  })
  rows.push({
    cells: {
      events: `${fmtCount(plan.large)}/${fmtCount(plan.small)}`,
      jumps: 'random / random',
      median: fmtRatio(large.median / small.median),
      p99: fmtRatio(large.p99 / small.p99),
      target: '(info: small is all cached)',
    },
  })
  printTable(
    `history.jumpTo, ${kind} reducer`,
    ['events', 'jumps', 'count', 'median', 'p99', 'max', 'target'],
    rows,
  )
  note(
    `At ${fmtCount(plan.small)} events the few recomputed segments Strata caches cover the whole ` +
      'history, so random jumps there are cache hits; the cold row is the same jump uncached.',
  )
}
