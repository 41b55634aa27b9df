/**
 * What `POST /subjects/<id>/forget` costs as history grows (SQLite, through the handler), at
 * 10k, 100k and 1M events (seeded once, cached under /tmp: see forgetSetup.ts):
 *
 * - forget on a server with no JSON projection and no snapshot: delete a key, write the audit event;
 * - forget with an inline JSON projection and a server snapshot, which must be scrubbed too, and
 *   how long after its answer the snapshot is served at the head again;
 * - the same forget while a writer of the tenant appends one event after another (its appends
 *   that overlap the forget: p50, p99, the slowest, against one such append alone).
 *
 * The subject is `early`, whose first event is event 1 (the worst case); `--subject late` forgets
 * one whose events are all in the last 1%. Every figure is a median of `--rounds` runs, each on a
 * fresh copy of the cached store; ratios are against 10k in the same run.
 *
 *   npm run bench:forget [-- --sizes 10000,100000,1000000 --rounds 3 --subject early]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type EventServer, sqliteStorage } from '@strata/state/server'
import { post, serverOn, snapshotAt, storeOf } from './forgetSetup'
import { fmtMs, median, quantile } from './util'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    rounds: { type: 'string', default: '3' },
    subject: { type: 'string', default: 'early' },
  },
})
const SIZES = values.sizes.split(',').map(Number)
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
  derived: boolean,
  dir: string,
  fn: (server: EventServer) => Promise<T>,
) {
  const path = await storeOf(n, join(dir, 'work.db'))
  const storage = sqliteStorage(path)
  const server = serverOn(storage, derived)
  try {
    if (derived) await snapshotAt(server, n)
    return await fn(server)
  } finally {
    await server.close()
    await storage.close()
  }
}

async function run(n: number, derived: boolean, dir: string): Promise<Run> {
  const quiet = await opened(n, derived, dir, async (server) => {
    const forget = await forgetting(server)
    const t = performance.now()
    if (derived) await snapshotAt(server, n + 1)
    return { forget, snapshot: derived ? performance.now() - t : 0 }
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

const dir = mkdtempSync(join(tmpdir(), 'strata-bench-forget-'))
try {
  console.log(
    `forget bench: SQLite, subject ${JSON.stringify(SUBJECT)}, medians of ${ROUNDS} (min-max)`,
  )
  const rows: { n: number; none: Run[]; derived: Run[] }[] = []
  for (const n of SIZES) {
    await storeOf(n, join(dir, 'work.db'))
    const row = { n, none: [] as Run[], derived: [] as Run[] }
    for (let i = 0; i < ROUNDS; i++) {
      row.none.push(await run(n, false, dir))
      row.derived.push(await run(n, true, dir))
    }
    rows.push(row)
  }
  const stat = (list: Run[], key: keyof Run) => {
    const v = list.map((r) => r[key])
    return {
      med: median(v),
      text: `${fmtMs(median(v))} (${fmtMs(Math.min(...v))}-${fmtMs(Math.max(...v))})`,
    }
  }
  const base = rows[0]!
  const of = (list: Run[], baseList: Run[], key: keyof Run) =>
    `${(stat(list, key).med / stat(baseList, key).med).toFixed(1)}x of ${base.n.toLocaleString('en')}`
  for (const row of rows) {
    const d = row.derived
    const alone = stat(d, 'alone').med
    const x = (key: keyof Run) => `${(stat(d, key).med / alone).toFixed(1)}x`
    console.log(`  ${row.n.toLocaleString('en')} events:`)
    console.log(
      `    forget, no projection:       ${stat(row.none, 'forget').text}  ${of(row.none, base.none, 'forget')}`,
    )
    console.log(
      `    forget, projection+snapshot: ${stat(d, 'forget').text}  ${of(d, base.derived, 'forget')}`,
    )
    console.log(
      `    snapshot at the head after:  ${stat(d, 'snapshot').text}  ${of(d, base.derived, 'snapshot')}`,
    )
    console.log(
      `    the same forget, one writer: ${stat(d, 'loaded').text}  ${of(d, base.derived, 'loaded')}`,
    )
    console.log(
      `    its ${Math.round(stat(d, 'count').med)} appends meanwhile: p50 ${fmtMs(stat(d, 'p50').med)} ${x('p50')}, p99 ${fmtMs(stat(d, 'p99').med)} ${x('p99')}, slowest ${stat(d, 'slowest').text} ${x('slowest')} of one alone (${fmtMs(alone)})`,
    )
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
