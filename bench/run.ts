/**
 * Strata benchmarks against its peers, in one process (npm run bench).
 *
 *   npm run bench                       default sizes (spread to 1M events, immer to 100k; ~7 min)
 *   npm run bench -- --quick            small sizes, a smoke run (~30 s)
 *   npm run bench -- --full             also the immer reducer at 1M events (about 25 minutes)
 *   npm run bench -- --only=record,jump --kind=spread
 *   npm run bench -- --only=redux       a Redux-style reducer with the default options
 */
import os from 'node:os'
import { workload } from './board'
import { fold, type Kind, recordStrata } from './contestants'
import { forget } from './fixtures'
import { heapBench } from './heap'
import { type JumpPlan, jumpBench } from './jump'
import { type RecordPlan, recordBench } from './record'
import { reduxStyleBench } from './reduxStyle'
import { replaceBench } from './replace'
import { verdicts } from './util'

const args = process.argv.slice(2)
const flag = (name: string) => args.includes(`--${name}`)
const list = (name: string) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',')
const quick = flag('quick')
const full = flag('full')
const only = list('only') ?? ['record', 'jump', 'replace', 'heap', 'redux']
const kinds = (list('kind') ?? ['spread', 'immer']) as Kind[]

interface Plan {
  record: RecordPlan
  jump: JumpPlan
  replaceAt: number
  heapAt: number
}

function plan(kind: Kind): Plan {
  const k = 1000
  if (quick) {
    const sizes = kind === 'spread' ? [2 * k, 10 * k] : [k, 3 * k]
    return {
      record: { sizes, unlimitedAt: sizes, keepSizes: sizes, repeat: () => 3 },
      jump: { small: k, large: kind === 'spread' ? 20 * k : 5 * k, jumps: 200, coldSamples: 10 },
      replaceAt: sizes[1]!,
      heapAt: sizes[1]!,
    }
  }
  if (kind === 'spread') {
    return {
      record: {
        sizes: [10 * k, 100 * k, 1000 * k],
        unlimitedAt: [10 * k, 100 * k],
        // The 1M store is cheap to rebuild (~8 s): jump builds it after its cold samples, which a
        // 1M store already in the heap would slow down with its collections.
        keepSizes: [100 * k],
        repeat: (n) => (n <= 100 * k ? 3 : 1),
      },
      jump: { small: k, large: 1000 * k, jumps: 500, coldSamples: 100 },
      replaceAt: 100 * k,
      heapAt: 100 * k,
    }
  }
  // One produce per event costs ~40x the spread reducer here (~280 us): 1M events is ~5 min per
  // contestant, so the default stops at 100k and --full adds 1M.
  const large = full ? 1000 * k : 100 * k
  return {
    record: {
      sizes: full ? [10 * k, 100 * k, 1000 * k] : [10 * k, 100 * k],
      unlimitedAt: [10 * k],
      keepSizes: [100 * k, large],
      repeat: (n) => (n <= 10 * k ? 3 : 1),
    },
    jump: { small: k, large, jumps: 300, coldSamples: 20 },
    replaceAt: 100 * k,
    heapAt: full ? 100 * k : 20 * k,
  }
}

/** Both reducers and Strata must agree before anything is timed. */
function check(): void {
  const w = workload()
  const events = w.events(3000)
  const expected = JSON.stringify(fold('spread', w.initialState, events))
  for (const kind of ['spread', 'immer'] as const) {
    if (JSON.stringify(fold(kind, w.initialState, events)) !== expected) {
      throw new Error(`the ${kind} fold differs from the spread fold`)
    }
    const store = recordStrata(kind, w.initialState, events)
    if (JSON.stringify(store.getState()) !== expected) throw new Error(`Strata (${kind}) differs`)
    if (
      JSON.stringify(store.logs.states.at(1234)) !==
      JSON.stringify(fold(kind, w.initialState, events.slice(0, 1234)))
    ) {
      throw new Error(`Strata (${kind}) states.at differs`)
    }
  }
}

if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  console.warn('run with node --expose-gc (npm run bench does) for stable timings and heap figures')
}
console.log(
  `# Strata benchmarks${quick ? ' (--quick)' : full ? ' (--full)' : ''}: node ${process.version}, ` +
    `${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0]!.toFixed(2)}`,
)
console.log('  1,000-card board, 5 columns; seeded events: add, move, edit, delete, re-add.')
if (os.loadavg()[0]! > os.cpus().length) {
  console.log(
    '  warning: the machine is busy (load above the cpu count): wall-clock ratios are noisy; ' +
      'the cpu ratio column is steadier.',
  )
}
const started = performance.now()
check()
for (const kind of kinds) {
  const p = plan(kind)
  if (only.includes('record')) recordBench(kind, p.record)
  if (only.includes('jump')) jumpBench(kind, p.jump)
  if (only.includes('replace')) replaceBench(kind, p.replaceAt)
  forget()
  if (only.includes('heap')) heapBench(kind, p.heapAt)
}

if (only.includes('redux')) {
  const w = workload()
  reduxStyleBench(w.initialState, w.events(quick ? 5000 : 100_000))
}

const failed = verdicts.filter((v) => !v.pass)
console.log(
  `\n${verdicts.length - failed.length}/${verdicts.length} targets met in ` +
    `${((performance.now() - started) / 1000).toFixed(0)} s.`,
)
for (const v of failed) console.log(`  FAIL  ${v.benchmark}: ${v.target}`)
