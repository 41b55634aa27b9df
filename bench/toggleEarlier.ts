/**
 * history.toggleEarlier of an event near the start of a long history (the 10th of N): a tab
 * booted from the server's snapshot (window 10,000, nothing below it in memory) skips it, which
 * pages the history in down to it and folds every later state again. Measured, in one run per
 * size: the toggle's time against a plain fold of the same N events (the floor: every state
 * after the event changes), the heap right after it and once the paged-in events have left
 * memory again (a minute later, as for loadEarlier), each against the tab's heap before it.
 * The skipped event is kept aside then; the head state is checked against a fold without it.
 *
 *   flock /tmp/bench.lock npm run bench:toggle -- --sizes=10000,100000,1000000
 */
import 'fake-indexeddb/auto'
import { parseArgs } from 'node:util'
import type { SyncClock } from '@strata/state/sync'
import { connectSync } from '@strata/state/sync'
import { IDBFactory } from 'fake-indexeddb'
import { type BoardEvent, spreadReducer, workload } from './board'
import { boardStore, createWorld, SNAPSHOT, type World, warmSnapshot } from './bootSetup'
import {
  collect,
  fmtBytes,
  fmtCount,
  fmtMs,
  fmtRatio,
  heapUsed,
  note,
  printTable,
  progress,
} from './util'

const { values } = parseArgs({ options: { sizes: { type: 'string' } } })
const SIZES = (values.sizes ?? '10000,100000,1000000').split(',').map(Number)
for (const n of SIZES) {
  if (!(Number.isInteger(n) && n >= 1000)) {
    throw new Error(`[strata] bench:toggle --sizes takes integers of 1000 or more, received ${n}`)
  }
}
/** The event skipped: the 10th the seeder stored. */
const SKIPPED = 10
const WINDOW = 10_000

/** A clock whose timers run only when the benchmark advances it (the minute is not waited). */
function manualClock() {
  let now = 1_000_000
  let next = 1
  const timers = new Map<number, { at: number; run: () => void }>()
  return {
    now: () => now,
    setTimeout(run: () => void, ms: number) {
      timers.set(next, { at: now + Math.max(0, ms), run })
      return next++
    },
    clearTimeout: (handle: unknown) => void timers.delete(handle as number),
    advance(ms: number) {
      now += ms
      for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at > now) continue
        timers.delete(id)
        t.run()
      }
    },
  } satisfies SyncClock & { advance(ms: number): void }
}

/** The board after every event but the skipped one, as the store folds (a throw keeps it). */
function foldWithout(events: readonly BoardEvent[], skipped: number) {
  let state = workload().initialState
  for (let i = 0; i < events.length; i++) {
    if (i === skipped - 1) continue
    try {
      state = spreadReducer(state, events[i]!)
    } catch {}
  }
  return state
}

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 600 && !check(); i++) await new Promise((r) => setTimeout(r, 50))
  if (!check()) throw new Error(`[strata] bench:toggle: ${what}`)
}

interface Figures {
  n: number
  toggleMs: number
  foldMs: number
  before: number
  afterToggle: number
  settled: number
  inMemoryAfter: number
  inMemorySettled: number
}

async function measureSize(world: World, n: number): Promise<Figures> {
  const clock = manualClock()
  const store = boardStore(world.initialState)
  const sync = connectSync(store, {
    fetch: world.fetch,
    persist: { indexedDB: new IDBFactory(), name: 'bench' },
    live: 'off',
    clock,
    snapshot: SNAPSHOT,
  })
  try {
    await sync.pull()
    if (store.history.start !== n) throw new Error('[strata] bench:toggle: not a snapshot boot')
    const before = heapUsed()
    collect()
    const began = performance.now()
    const skipped = await store.history.toggleEarlier(`seeder/seed-${SKIPPED}`)
    const toggleMs = performance.now() - began
    if (!skipped) throw new Error('[strata] bench:toggle: the event was not skipped')
    const inMemoryAfter = store.logs.events.length
    const afterToggle = heapUsed()

    // A minute later one more event settles: the settled history writes and evicts.
    clock.advance(61_000)
    await world.seed(1)
    await sync.pull()
    clock.advance(2_000)
    await until(() => store.logs.events.length <= 2 * WINDOW, 'the window did not shrink back')
    const settled = heapUsed()
    const events = workload().events(n + 1)
    if (JSON.stringify(store.getState()) !== JSON.stringify(foldWithout(events, SKIPPED))) {
      throw new Error('[strata] bench:toggle: the head state is not the fold without the event')
    }
    // The floor: a plain fold of the same history, every state after the event being new.
    collect()
    const foldStart = performance.now()
    foldWithout(events.slice(0, n), SKIPPED)
    const foldMs = performance.now() - foldStart
    return {
      n,
      toggleMs,
      foldMs,
      before,
      afterToggle,
      settled,
      inMemoryAfter,
      inMemorySettled: store.logs.events.length,
    }
  } finally {
    await sync.close()
  }
}

const rows: Figures[] = []
for (const n of SIZES) {
  progress(`toggleEarlier ${fmtCount(n)}: seeding`)
  const world = await createWorld()
  try {
    await world.seed(n)
    await warmSnapshot(world)
    progress(`toggleEarlier ${fmtCount(n)}: measuring`)
    rows.push(await measureSize(world, n))
  } finally {
    await world.close()
  }
}

printTable(
  'history.toggleEarlier of event 10, tab booted from the server snapshot (window 10,000)',
  [
    'events',
    'toggle',
    'plain fold',
    'time ratio',
    'heap before',
    'after toggle',
    'a minute later',
    'heap ratio',
    'vs first size',
    'in memory',
  ],
  rows.map((f) => ({
    cells: {
      events: fmtCount(f.n),
      toggle: fmtMs(f.toggleMs),
      'plain fold': fmtMs(f.foldMs),
      'time ratio': fmtRatio(f.toggleMs / f.foldMs),
      'heap before': fmtBytes(f.before),
      'after toggle': `${fmtBytes(f.afterToggle)} (${fmtRatio(f.afterToggle / f.before)})`,
      'a minute later': fmtBytes(f.settled),
      'heap ratio': fmtRatio(f.settled / f.before),
      'vs first size': fmtRatio(f.settled / rows[0]!.settled),
      'in memory': `${fmtCount(f.inMemoryAfter)} -> ${fmtCount(f.inMemorySettled)}`,
    },
  })),
)
note(
  'time ratio: the toggle against a plain fold of the history; heap ratio: a minute later against before the toggle (the skipped event kept aside), and against the first size (goal: flat). Events in memory: after the toggle -> a minute later.',
)
