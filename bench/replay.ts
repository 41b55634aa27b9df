/**
 * Replaying a recorded session of 100k events (`@strata/state/testing`'s replaySession) against
 * the bare fold of the same events, on the 1,000-card board workload. Runs on its own:
 *
 *   node --expose-gc --import tsx bench/replay.ts [--events=100000] [--kind=spread,immer]
 *
 * The immer kind at 100k events takes several minutes (its reducer, not replay, is the cost).
 */
import { pathToFileURL } from 'node:url'
import { exportSession, replaySession, type Session } from '@strata/state/testing'
import { type Board, immerReducer, spreadReducer, workload } from './board'
import { fold, type Kind, recordStrata } from './contestants'
import { fmtCount, fmtMs, fmtRatio, median, timed } from './util'

export interface ReplayBenchRow {
  kind: Kind
  events: number
  foldMs: number
  replayMs: number
  /** Replay with `check: "checkpoints"`: no per-event hashing while the states match. */
  replayCheckpointsMs: number
  ratio: number
  ratioCheckpoints: number
}

/** Times replaySession against the bare fold for each reducer kind; prints and returns the rows. */
export function replayBench(
  options: { events?: number; kinds?: Kind[]; runs?: number } = {},
): ReplayBenchRow[] {
  const { events: n = 100_000, kinds = ['spread', 'immer'] } = options
  const rows: ReplayBenchRow[] = []
  for (const kind of kinds) {
    const w = workload()
    const events = w.events(n)
    const store = recordStrata(kind, w.initialState, events)
    const session = exportSession(store, { app: 'bench' })
    const config = {
      reducer: kind === 'spread' ? spreadReducer : immerReducer,
      immer: kind !== 'spread',
    }
    const check = replaySession(session as Session<Board>, config)
    if (!check.ok) throw new Error(`[strata] bench: the ${kind} session does not replay`)
    // The immer reducer is slow on this board (about 0.5 ms an event): one run each is enough.
    const runs = options.runs ?? (kind === 'immer' ? 1 : 3)
    const time = (run: () => unknown) => median(Array.from({ length: runs }, () => timed(run)))
    const foldMs = time(() => fold(kind, w.initialState, events))
    const replayMs = time(() => replaySession(session, config))
    const replayCheckpointsMs = time(() =>
      replaySession(session, { ...config, check: 'checkpoints' }),
    )
    rows.push({
      kind,
      events: n,
      foldMs,
      replayMs,
      replayCheckpointsMs,
      ratio: replayMs / foldMs,
      ratioCheckpoints: replayCheckpointsMs / foldMs,
    })
  }
  print(rows)
  return rows
}

function print(rows: readonly ReplayBenchRow[]): void {
  console.log('\nreplaySession vs the bare fold (median of runs; ratio = replay / fold)')
  console.log('reducer  events  fold        replay      ratio   check: "checkpoints"  ratio')
  for (const r of rows) {
    console.log(
      [
        r.kind.padEnd(7),
        fmtCount(r.events).padStart(6),
        fmtMs(r.foldMs).padStart(10),
        fmtMs(r.replayMs).padStart(10),
        fmtRatio(r.ratio).padStart(7),
        fmtMs(r.replayCheckpointsMs).padStart(20),
        fmtRatio(r.ratioCheckpoints).padStart(6),
      ].join('  '),
    )
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
  replayBench({
    events: Number(arg('events') ?? 100_000),
    kinds: (arg('kind')?.split(',') as Kind[] | undefined) ?? ['spread', 'immer'],
  })
}
