/**
 * Long history: what a page pays to boot, to keep and to page back, with 10k, 100k and 1M events
 * on the server (npm run bench:boot; about 9 minutes, `-- --sizes=10000` for a smoke run).
 *
 * A 1,000-card board with its plain (spread) reducer, on an event server on SQLite in this
 * process; tabs are `connectSync` over its fetch handler with a fake IndexedDB each. Every figure
 * is a ratio against a baseline measured in the same run (`-- --only=earlier` times only
 * loadEarlier, after the same setup, e.g. `-- --only=earlier --sizes=10000,100000`; `-- --only=boot`
 * only the boots and the full re-fold, without loadEarlier and the heap):
 * - boot from this device's snapshot (then pull a tail of 100 events) at 1M against 10k, and
 *   against parsing the snapshot's JSON plus folding the tail with the bare reducer;
 * - a fresh device booting from the server's snapshot against fetching and parsing it;
 * - both against today's full re-fold (a device with no snapshot anywhere);
 * - the heap of a tab booted on 1M that then recorded 100k events against one booted on 10k;
 * - `history.loadEarlier(10000)` from this device's pages and from the server (bootEarlier.ts),
 *   against the 100 ms goal: the median of `repeat` tabs, with the range.
 */
import { parseArgs } from 'node:util'
import { spreadReducer } from './board'
import {
  EARLIER,
  earlierFromPages,
  earlierFromServer,
  type ServerSpread,
  type Spread,
} from './bootEarlier'
import {
  bootTab,
  createWorld,
  fetchSnapshot,
  profile,
  type Tab,
  type World,
  warmSnapshot,
} from './bootSetup'
import {
  fmtBytes,
  fmtCount,
  fmtMs,
  fmtRatio,
  heapUsed,
  median,
  note,
  printTable,
  progress,
  type Row,
  verdicts,
} from './util'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    tail: { type: 'string', default: '100' },
    record: { type: 'string', default: '100000' },
    repeat: { type: 'string', default: '9' },
    only: { type: 'string' },
  },
})
if (values.only !== undefined && values.only !== 'earlier' && values.only !== 'boot') {
  throw new Error(`[strata] bench:boot --only takes "earlier" or "boot", received ${values.only}`)
}
const ONLY_EARLIER = values.only === 'earlier'
const ONLY_BOOT = values.only === 'boot'
const SIZES = values.sizes.split(',').map(Number)
const TAIL = Number(values.tail)
const RECORD = Number(values.record)
const REPEAT = Number(values.repeat)

interface Figures {
  n: number
  local: number
  parseFold: number
  server: number
  fetchParse: number
  full: number
  earlierLocal: Spread
  earlierServer: ServerSpread
  heap: number
}

/** Median of `REPEAT` reloads from this device's snapshot, a fresh tail of events each time. */
async function localBoots(world: World, open: ReturnType<typeof profile>) {
  const boots: number[] = []
  const baselines: number[] = []
  for (let r = 0; r < REPEAT; r++) {
    await world.seed(TAIL)
    // The server is another machine: its snapshot catching up is not the page's time.
    await warmSnapshot(world)
    const { tab, ms } = await bootTab(open, world.head())
    if (tab.sync.getSnapshot().boot !== 'local-snapshot') throw new Error('not a local boot')
    boots.push(ms)
    baselines.push(parseAndFold(tab))
    await tab.sync.close()
  }
  return { local: median(boots), parseFold: median(baselines) }
}

/** The floor of a local boot: parse the settled state's JSON, fold the tail with the reducer. */
function parseAndFold(tab: Tab): number {
  const { store } = tab
  const tail = store.logs.events.slice(-TAIL).map((e) => e.event)
  const text = JSON.stringify(store.logs.states.at(store.history.length - tail.length))
  const began = performance.now()
  let state = JSON.parse(text)
  for (const e of tail) state = spreadReducer(state, e as never)
  return performance.now() - began
}

async function serverBoots(world: World) {
  const boots: number[] = []
  const baselines: number[] = []
  for (let r = 0; r < REPEAT; r++) {
    baselines.push(await fetchSnapshot(world))
    const { tab, ms } = await bootTab(() => profile(world)({ snapshot: true }), world.head())
    if (tab.sync.getSnapshot().boot !== 'server-snapshot') throw new Error('not a server boot')
    boots.push(ms)
    await tab.sync.close()
  }
  return { server: median(boots), fetchParse: median(baselines) }
}

/** Heap of a tab booted from its snapshot that then records `RECORD` events of its own. */
async function heapAfterRecording(world: World, open: ReturnType<typeof profile>, record: number) {
  const expected = world.head() + record
  const before = heapUsed()
  const { tab } = await bootTab(open, world.head())
  for (let done = 0; done < record; done += 1000) {
    for (const e of world.next(1000)) tab.store.dispatch(e)
    await tab.sync.flush()
    await tab.sync.pull()
  }
  await tab.sync.pull()
  const bytes = heapUsed() - before
  if (tab.store.history.length !== expected) throw new Error('recorded events not settled')
  await tab.sync.close()
  return bytes
}

async function measureSize(n: number, record = RECORD): Promise<Figures> {
  const world = await createWorld()
  try {
    progress(`seeding ${fmtCount(n)} events`)
    await world.seed(n)
    progress('server snapshot folding')
    await warmSnapshot(world)

    // The same history as the full run's, whose boots below each add a tail.
    if (ONLY_EARLIER) {
      await world.seed(TAIL * (REPEAT + 1))
      await warmSnapshot(world)
    }
    let server = Number.NaN
    let fetchParse = Number.NaN
    let local = Number.NaN
    let parseFold = Number.NaN
    const device = profile(world)
    if (!ONLY_EARLIER) {
      progress('server snapshot boots')
      ;({ server, fetchParse } = await serverBoots(world))

      progress('local snapshot boots')
      const first = await bootTab(() => device({ snapshot: true }), world.head())
      // A snapshot of its own once it settled events past the server's.
      await world.seed(TAIL)
      await first.tab.sync.pull()
      await first.tab.sync.close()
      ;({ local, parseFold } = await localBoots(world, device))
    }
    const skipped: Spread = {
      median: Number.NaN,
      min: Number.NaN,
      max: Number.NaN,
      cpu: Number.NaN,
    }
    if (!ONLY_BOOT) progress(`loadEarlier(${fmtCount(EARLIER)}) from the server`)
    const earlierServer = ONLY_BOOT
      ? { ...skipped, parsing: skipped, rows: skipped }
      : await earlierFromServer(world, REPEAT)

    // The same history folded by a device with no snapshot anywhere (the window then evicts
    // into 200 pages in fake-indexeddb, which lives in this heap: let them go before the heap).
    progress(`full re-fold of ${fmtCount(world.head())}`)
    let refolded: ReturnType<typeof profile> | undefined = profile(world)
    const full = await bootTab(refolded, world.head())
    await full.tab.sync.close()
    // Its pages are in IndexedDB: page back through them.
    if (!ONLY_BOOT) progress(`loadEarlier(${fmtCount(EARLIER)}) from this device's pages`)
    const earlierLocal = ONLY_BOOT ? skipped : await earlierFromPages(world, refolded, REPEAT)
    refolded = undefined

    let heap = Number.NaN
    if (!ONLY_EARLIER && !ONLY_BOOT) {
      progress(`recording ${fmtCount(record)} after booting on ${fmtCount(n)}`)
      heap = await heapAfterRecording(world, device, record)
    }

    return {
      n,
      local,
      parseFold,
      server,
      fetchParse,
      full: full.ms,
      earlierLocal,
      earlierServer,
      heap,
    }
  } finally {
    await world.close()
  }
}

function report(figures: Figures[]): void {
  const small = figures[0]!
  const large = figures[figures.length - 1]!
  const at = (f: Figures) => fmtCount(f.n)
  const boots: Row[] = figures.flatMap((f) => [
    {
      cells: {
        events: at(f),
        boot: `this device's snapshot + ${fmtCount(TAIL)} tail`,
        time: fmtMs(f.local),
        baseline: `parse + fold tail ${fmtMs(f.parseFold)}`,
        ratio: fmtRatio(f.local / f.parseFold),
        'vs full re-fold': `${fmtRatio(f.full / f.local)} faster`,
        target: f === large ? '≤ 3x baseline' : '',
      },
      pass: f === large ? f.local / f.parseFold <= 3 : undefined,
    },
    {
      cells: {
        events: at(f),
        boot: "the server's snapshot",
        time: fmtMs(f.server),
        baseline: `fetch + parse ${fmtMs(f.fetchParse)}`,
        ratio: fmtRatio(f.server / f.fetchParse),
        'vs full re-fold': `${fmtRatio(f.full / f.server)} faster`,
        target: '≤ 2x baseline',
      },
      pass: f.server / f.fetchParse <= 2,
    },
    {
      cells: { events: at(f), boot: 'full re-fold (no snapshot)', time: fmtMs(f.full) },
    },
  ])
  if (figures.length > 1) {
    boots.push({
      cells: {
        events: `${at(large)} / ${at(small)}`,
        boot: "this device's snapshot",
        ratio: fmtRatio(large.local / small.local),
        target: '≤ 1.5x',
      },
      pass: large.local / small.local <= 1.5,
    })
    const fastest = Math.min(large.full / large.local, large.full / large.server)
    boots.push({
      cells: {
        events: at(large),
        boot: 'both snapshots vs full re-fold',
        ratio: `${fmtRatio(fastest)} faster (the slower of the two)`,
        target: large.n >= 1_000_000 ? '≥ 100x' : '',
      },
      pass: large.n >= 1_000_000 ? fastest >= 100 : undefined,
    })
  }
  printTable(
    'Boot: until the page shows the live board',
    ['events', 'boot', 'time', 'baseline', 'ratio', 'vs full re-fold', 'target'],
    boots,
  )
  if (ONLY_BOOT) return
  const memory: Row[] = figures.map((f) => ({
    cells: {
      'booted on': at(f),
      'then recorded': fmtCount(RECORD),
      heap: fmtBytes(f.heap),
      ratio: f === small ? '' : fmtRatio(f.heap / small.heap),
      target: f === small ? '' : '≤ 1.5x',
    },
    pass: f === small ? undefined : f.heap / small.heap <= 1.5,
  }))
  printTable('Heap of a tab', ['booted on', 'then recorded', 'heap', 'ratio', 'target'], memory)
  note('The heap counts the tab, its outbox and pages in fake-indexeddb (which lives in the heap).')
  printEarlier(figures)
}

function printEarlier(figures: Figures[]): void {
  const cell = (s: Spread) => `${fmtMs(s.median)} (${fmtMs(s.min)}-${fmtMs(s.max)})`
  const column = `median (range) of ${REPEAT}`
  const pages: Row[] = figures.flatMap((f) => [
    {
      cells: {
        events: fmtCount(f.n),
        from: "this device's pages",
        [column]: cell(f.earlierLocal),
        CPU: fmtMs(f.earlierLocal.cpu),
        target: '< 100 ms',
      },
      pass: f.earlierLocal.median < 100,
    },
    {
      cells: {
        events: fmtCount(f.n),
        from: 'the server (its kept state, then events)',
        [column]: cell(f.earlierServer),
        CPU: fmtMs(f.earlierServer.cpu),
        'vs parsing': fmtRatio(f.earlierServer.median / f.earlierServer.parsing.median),
        target: '< 100 ms',
      },
      pass: f.earlierServer.median < 100,
    },
    {
      cells: {
        events: fmtCount(f.n),
        from: 'the server, each event written from its row',
        [column]: cell(f.earlierServer.rows),
        CPU: fmtMs(f.earlierServer.rows.cpu),
        'vs parsing': fmtRatio(f.earlierServer.rows.median / f.earlierServer.parsing.median),
      },
    },
    {
      cells: {
        events: fmtCount(f.n),
        from: 'the server, every payload parsed (before)',
        [column]: cell(f.earlierServer.parsing),
        CPU: fmtMs(f.earlierServer.parsing.cpu),
      },
    },
  ])
  printTable(
    `history.loadEarlier(${fmtCount(EARLIER)})`,
    ['events', 'from', column, 'CPU', 'vs parsing', 'target'],
    pages,
  )
  note('CPU: the median CPU time of the process meanwhile (the server runs in it too).')
}

// Warm up: code compiled on first use would otherwise be billed to the first size.
progress('warming up')
await measureSize(3000, 2000)
const figures: Figures[] = []
for (const n of SIZES) figures.push(await measureSize(n))
if (ONLY_EARLIER) printEarlier(figures)
else report(figures)
const failed = verdicts.filter((v) => !v.pass)
console.log(`\n${verdicts.length - failed.length}/${verdicts.length} targets met`)
