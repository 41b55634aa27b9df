/**
 * What `POST /subjects/<id>/forget` costs as history grows (SQLite, through the handler), at
 * 10k, 100k and 1M events (seeded once, cached under /tmp: see forgetSetup.ts):
 *
 * - forget on a server with no JSON projection and no snapshot: delete a key, write the audit event;
 * - forget with an inline JSON projection and a server snapshot, which must be scrubbed too;
 * - how long appends of the same tenant wait meanwhile: one-event appends sent one after another
 *   while the forget runs, the slowest of them, against the same append with nothing running;
 * - how long after the forget answers the snapshot is served again at the head.
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
import { sqliteStorage } from '@strata/state/server'
import { post, serverOn, snapshotAt, storeOf } from './forgetSetup'
import { fmtMs, median } from './util'

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
  forget: number
  /** The slowest one-event append sent while the forget ran (each after the previous). */
  waited: number
  /** The same append with nothing else running. */
  alone: number
  /** From the forget's answer until the snapshot is served at the head again. */
  snapshot: number
}

const probe = (seq: number) =>
  JSON.stringify({
    protocol: 1,
    clientId: 'probe',
    events: [{ clientSeq: seq, id: `probe-${seq}`, stream: 'probe', type: 'card/moved', at: 1 }],
  })

async function run(n: number, derived: boolean, dir: string): Promise<Run> {
  const path = await storeOf(n, join(dir, 'work.db'))
  const storage = sqliteStorage(path)
  const server = serverOn(storage, derived)
  try {
    if (derived) await snapshotAt(server, n)
    let seq = 0
    const alone: number[] = []
    for (let i = 0; i < 5; i++) {
      const t = performance.now()
      await post(server, probe(++seq))
      alone.push(performance.now() - t)
    }
    const started = performance.now()
    let done = false
    const forgot = server
      .fetch(
        new Request(`http://bench/subjects/${SUBJECT}/forget`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
        }),
      )
      .then(async (response) => {
        if (response.status !== 200) throw new Error(`forget: ${response.status}`)
        await response.arrayBuffer()
        done = true
        return performance.now()
      })
    let waited = 0
    // Let the forget take the lock first, as a forget that arrived a moment before would.
    await new Promise((r) => setTimeout(r, 1))
    while (!done) {
      const t = performance.now()
      await post(server, probe(++seq))
      waited = Math.max(waited, performance.now() - t)
      if (process.env.DEBUG && seq % 100 === 0)
        console.log('probe', seq, performance.now() - started)
    }
    const answered = await forgot
    if (derived) await snapshotAt(server, n + seq + 1)
    return {
      forget: answered - started,
      waited,
      alone: median(alone),
      snapshot: derived ? performance.now() - answered : 0,
    }
  } finally {
    await server.close()
    await storage.close()
  }
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
  for (const row of rows) {
    const ratio = (list: Run[], baseList: Run[], key: keyof Run) =>
      `${(stat(list, key).med / stat(baseList, key).med).toFixed(1)}x`
    console.log(`  ${row.n.toLocaleString('en')} events:`)
    console.log(
      `    forget, no projection:        ${stat(row.none, 'forget').text}  ${ratio(row.none, base.none, 'forget')} of ${base.n.toLocaleString('en')}`,
    )
    console.log(
      `    forget, projection+snapshot:  ${stat(row.derived, 'forget').text}  ${ratio(row.derived, base.derived, 'forget')} of ${base.n.toLocaleString('en')}`,
    )
    console.log(
      `    an append meanwhile waits:    ${stat(row.derived, 'waited').text}  alone ${stat(row.derived, 'alone').text}: ${(stat(row.derived, 'waited').med / stat(row.derived, 'alone').med).toFixed(1)}x`,
    )
    console.log(
      `    snapshot served again after:  ${stat(row.derived, 'snapshot').text}  ${ratio(row.derived, base.derived, 'snapshot')} of ${base.n.toLocaleString('en')}`,
    )
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
