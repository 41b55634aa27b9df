/**
 * Ingest over real HTTP: 1, 10 and 50 clients POSTing batches of 100 events to `strata-server`
 * (a child process, SQLite, bearer JWTs), beside a raw better-sqlite3 loop inserting the same
 * rows into the same table in transactions of 100, in the same run. Goal: at least 0.5x raw.
 *
 *   node --import tsx bench/ingestHttp.ts [--events 20000] [--clients 1,10,50]
 *
 * Rounds alternate raw and server and keep each one's best, so a busy machine distorts the
 * ratio less; the server's CPU time per event is printed beside.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sqliteStorage } from '@strata/state/server'
import Database from 'better-sqlite3'
import { startBenchServer } from './serverProcess'

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    clients: { type: 'string', default: '1,10,50' },
    rounds: { type: 'string', default: '3' },
  },
})
const EVENTS = Number(values.events)
const BATCH = 100
const ROUNDS = Number(values.rounds)

const payload = (i: number) => ({ title: `todo ${i}`, done: i % 3 === 0, tags: ['a', 'b'], n: i })
const wireEvent = (clientId: string, seq: number) => ({
  clientSeq: seq,
  id: `${clientId}-${seq}`,
  stream: `list-${seq % 10}`,
  type: 'added',
  payload: payload(seq),
  at: 1_700_000_000_000 + seq,
})

/** The same rows as the server stores, tenant 'bench', through the same DDL. */
function rawLoop(dir: string) {
  const db = new Database(join(dir, `raw-${Math.random().toString(36).slice(2)}.db`))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  const schema = join(dir, `schema-${Math.random().toString(36).slice(2)}.db`)
  void sqliteStorage(schema).close()
  const ddl = new Database(schema, { readonly: true })
  for (const sql of ddl
    .prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'strata_events' AND sql IS NOT NULL")
    .pluck()
    .all() as string[])
    db.exec(sql)
  ddl.close()
  const insert = db.prepare(`INSERT INTO strata_events VALUES (${Array(13).fill('?').join(', ')})`)
  const batch = db.transaction((rows: unknown[][]) => {
    for (const row of rows) insert.run(...row)
  })
  let position = 0
  return (count: number) => {
    const batches: unknown[][][] = []
    for (let b = 0; b < count / BATCH; b++) {
      batches.push(
        Array.from({ length: BATCH }, (_, k) => {
          const seq = b * BATCH + k + 1
          position++
          return [
            position,
            'bench',
            position,
            `raw-${position}`,
            1,
            `raw-${position}`,
            `list-${seq % 10}`,
            position,
            'added',
            JSON.stringify(payload(seq)),
            1_700_000_000_000 + seq,
            null,
            'f'.repeat(64),
          ]
        }),
      )
    }
    const start = performance.now()
    for (const rows of batches) batch(rows)
    return count / ((performance.now() - start) / 1000)
  }
}

async function serverRound(url: string, tokens: string[], round: number, clients: number) {
  const perClient = Math.floor(EVENTS / clients / BATCH) * BATCH
  const bodies = Array.from({ length: clients }, (_, c) =>
    Array.from({ length: perClient / BATCH }, (_, b) =>
      JSON.stringify({
        protocol: 1,
        clientId: `r${round}c${c}`,
        events: Array.from({ length: BATCH }, (_, k) =>
          wireEvent(`r${round}c${c}`, b * BATCH + k + 1),
        ),
      }),
    ),
  )
  const start = performance.now()
  await Promise.all(
    bodies.map(async (list, c) => {
      for (const body of list) {
        const response = await fetch(`${url}/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens[c]}`, 'content-type': 'application/json' },
          body,
        })
        if (response.status !== 200) throw new Error(`POST answered ${response.status}`)
        await response.arrayBuffer()
      }
    }),
  )
  return (perClient * clients) / ((performance.now() - start) / 1000)
}

const dir = mkdtempSync(join(tmpdir(), 'strata-ingest-http-'))
try {
  const raw = rawLoop(dir)
  console.log(
    `ingest over HTTP, ${EVENTS} events per round in batches of ${BATCH}, best of ${ROUNDS}`,
  )
  for (const clients of values.clients.split(',').map(Number)) {
    const server = await startBenchServer(join(dir, `events-${clients}.db`))
    const tokens = await Promise.all(
      Array.from({ length: clients }, (_, c) => server.token('bench', `client-${c}`)),
    )
    let bestRaw = 0
    let bestServer = 0
    let cpuPerEvent = 0
    for (let round = 0; round < ROUNDS; round++) {
      bestRaw = Math.max(bestRaw, raw(EVENTS))
      const cpu = server.cpuMs()
      const rate = await serverRound(server.url, tokens, round, clients)
      if (rate > bestServer) {
        bestServer = rate
        cpuPerEvent = (server.cpuMs() - cpu) / EVENTS
      }
    }
    await server.stop()
    console.log(
      `${String(clients).padStart(3)} clients   server ${Math.round(bestServer).toString().padStart(7)} ev/s   raw ${Math.round(bestRaw).toString().padStart(7)} ev/s   server/raw ${(bestServer / bestRaw).toFixed(2)}x   server CPU ${(cpuPerEvent * 1000).toFixed(1)} us/event`,
    )
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
