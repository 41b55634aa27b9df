/**
 * What `POST /subjects/<id>/forget` costs as history grows (SQLite, through the handler), at
 * 10k, 100k and 1M events (seeded once, cached under /tmp: see forgetSetup.ts):
 *
 * - forget on a server with no JSON projection and no snapshot: delete a key, write the audit
 *   event (the baseline);
 * - forget with an inline JSON projection and a server snapshot, which must be scrubbed too:
 *   folded again (`re-fold`: the projection from the first event, the snapshot from the state
 *   kept before the subject's first event), or scrubbed by their `forget` hooks (`hooks`); and
 *   how long after its answer the snapshot is served at the head again;
 * - the same forgets while a writer of the tenant appends one event after another (its appends
 *   that overlap the forget: p50, p99, the slowest, against one such append alone).
 *
 * The subject is `early`, whose first event is event 1 (the worst case for a re-fold); `--subject
 * late` forgets one whose events are all in the last 1%. Every figure is a median of `--rounds`
 * runs, each on a fresh copy of the cached store; ratios are against the smallest size, and of
 * re-fold against hooks, in the same run.
 *
 *   npm run bench:forget [-- --events 10000,100000,1000000 --rounds 3 --subject early]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type EventServer, sqliteStorage } from '@strata/state/server'
import { type Derived, post, serverOn, snapshotAt, storeOf } from './forgetSetup'
import { fmtMs, median, quantile } from './util'

const { values } = parseArgs({
  options: {
    events: { type: 'string' },
    /** The old name of --events. */
    sizes: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    subject: { type: 'string', default: 'early' },
  },
})
const SIZES = (values.events ?? values.sizes ?? '10000,100000,1000000').split(',').map(Number)
const ROUNDS = Number(values.rounds)
const SUBJECT = values.subject

interface Run {
  /** The forget alone, nothing else running. */
  forget: number
  /** From its answer until the snapshot is served at the head again. */
  snapshot: number
  /** The same forget while one writer of the tenant appends one event after another. */
  loaded: number
  /** That writer's appends that overlapped the forget: p50, p99, the slowest, how many. */
  p50: number
  p99: number
  slowest: number
  count: number
  /** One such append with nothing else running. */
  alone: number
}

const probe = (seq: number) =>
  JSON.stringify({
    protocol: 1,
    clientId: 'probe',
    events: [{ clientSeq: seq, id: `probe-${seq}`, stream: 'probe', type: 'card/moved', at: 1 }],
  })

const forgetting = (server: EventServer) => {
  const started = performance.now()
  return server
    .fetch(new Request(`http://bench/subjects/${SUBJECT}/forget`, { method: 'POST' }))
    .then(async (response) => {
      if (response.status !== 200) throw new Error(`forget: ${response.status}`)
      await response.arrayBuffer()
      return performance.now() - started
    })
}

async function opened<T>(
  n: number,
  derived: Derived,
  dir: string,
  fn: (server: EventServer) => Promise<T>,
) {
  const path = await storeOf(n, join(dir, 'work.db'))
  const storage = sqliteStorage(path)
  const server = serverOn(storage, derived)
  try {
    if (derived !== 'none') await snapshotAt(server, n)
    return await fn(server)
  } finally {
    await server.close()
    await storage.close()
  }
}

async function run(n: number, derived: Derived, dir: string): Promise<Run> {
  const quiet = await opened(n, derived, dir, async (server) => {
    const forget = await forgetting(server)
    const t = performance.now()
    if (derived !== 'none') await snapshotAt(server, n + 1)
    return { forget, snapshot: derived !== 'none' ? performance.now() - t : 0 }
  })
  const busy = await opened(n, derived, dir, async (server) => {
    let seq = 0
    const alone: number[] = []
    for (let i = 0; i < 5; i++) {
      const t = performance.now()
      await post(server, probe(++seq))
      alone.push(performance.now() - t)
    }
    // The writer is under way (an append in flight) when the forget comes.
    let done = false
    const waits: number[] = []
    const writer = (async () => {
      while (!done) {
        const t = performance.now()
        await post(server, probe(++seq))
        waits.push(performance.now() - t)
      }
    })()
    await new Promise((r) => setTimeout(r, 2))
    const loaded = await forgetting(server)
    done = true
    await writer
    waits.sort((a, b) => a - b)
    return {
      loaded,
      p50: quantile(waits, 0.5),
      p99: quantile(waits, 0.99),
      slowest: waits.at(-1) ?? 0,
      count: waits.length,
      alone: median(alone),
    }
  })
  return { ...quiet, ...busy }
}

const MODES = ['none', 'refold', 'hooks'] as const
type Rows = Record<(typeof MODES)[number], Run[]>

const dir = mkdtempSync(join(tmpdir(), 'strata-bench-forget-'))
try {
  console.log(
    `forget bench: SQLite, subject ${JSON.stringify(SUBJECT)}, medians of ${ROUNDS} (min-max)`,
  )
  const rows: { n: number; runs: Rows }[] = []
  for (const n of SIZES) {
    await storeOf(n, join(dir, 'work.db'))
    const runs: Rows = { none: [], refold: [], hooks: [] }
    for (let i = 0; i < ROUNDS; i++)
      for (const mode of MODES) runs[mode].push(await run(n, mode, dir))
    rows.push({ n, runs })
  }
  const med = (list: Run[], key: keyof Run) => median(list.map((r) => r[key]))
  const text = (list: Run[], key: keyof Run) => {
    const v = list.map((r) => r[key])
    return `${fmtMs(median(v))} (${fmtMs(Math.min(...v))}-${fmtMs(Math.max(...v))})`
  }
  const base = rows[0]!
  const growth = (list: Run[], mode: keyof Rows, key: keyof Run) =>
    `${(med(list, key) / med(base.runs[mode], key)).toFixed(1)}x of ${base.n.toLocaleString('en')}`
  const line = (label: string, list: Run[], mode: keyof Rows, key: keyof Run) =>
    console.log(`    ${label.padEnd(34)}${text(list, key).padEnd(30)} ${growth(list, mode, key)}`)
  for (const { n, runs } of rows) {
    const over = (key: keyof Run) => (med(runs.refold, key) / med(runs.hooks, key)).toFixed(1)
    console.log(`  ${n.toLocaleString('en')} events:`)
    line('forget, no derived state:', runs.none, 'none', 'forget')
    line('forget, re-fold:', runs.refold, 'refold', 'forget')
    line('forget, hooks:', runs.hooks, 'hooks', 'forget')
    line('snapshot at the head, re-fold:', runs.refold, 'refold', 'snapshot')
    line('snapshot at the head, hooks:', runs.hooks, 'hooks', 'snapshot')
    line('one writer, forget, re-fold:', runs.refold, 'refold', 'loaded')
    line('one writer, forget, hooks:', runs.hooks, 'hooks', 'loaded')
    console.log(
      `    re-fold / hooks: forget ${over('forget')}x, snapshot at the head ${over('snapshot')}x, under a writer ${over('loaded')}x; hooks / no derived state: ${(med(runs.hooks, 'forget') / med(runs.none, 'forget')).toFixed(1)}x`,
    )
    for (const mode of ['refold', 'hooks'] as const) {
      const d = runs[mode]
      const alone = med(d, 'alone')
      const x = (key: keyof Run) => `${(med(d, key) / alone).toFixed(1)}x`
      console.log(
        `    ${mode === 'refold' ? 're-fold' : 'hooks'}: the writer's ${Math.round(med(d, 'count'))} appends meanwhile: p50 ${fmtMs(med(d, 'p50'))} ${x('p50')}, p99 ${fmtMs(med(d, 'p99'))} ${x('p99')}, slowest ${text(d, 'slowest')} ${x('slowest')} of one alone (${fmtMs(alone)})`,
      )
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
