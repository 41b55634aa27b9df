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

type WireEvent = ReturnType<typeof wireEvent>

/** Each client's batches of one round, the same events for the server and the raw loop. */
function batchesOf(round: number, clients: number): { clientId: string; events: WireEvent[] }[][] {
  const perClient = Math.floor(EVENTS / clients / BATCH) * BATCH
  return Array.from({ length: clients }, (_, c) =>
    Array.from({ length: perClient / BATCH }, (_, b) => ({
      clientId: `r${round}c${c}`,
      events: Array.from({ length: BATCH }, (_, k) =>
        wireEvent(`r${round}c${c}`, b * BATCH + k + 1),
      ),
    })),
  )
}

/**
 * The rows the server stores for the same batches (tenant 'bench', the same client ids, seqs, ids,
 * streams and stream versions, payload text, a 64-hex fingerprint), through the server's own DDL
 * (table and indexes), with the server's durability (WAL, synchronous FULL), in one transaction
 * per batch, the clients' batches interleaved as they reach the server. Nothing else: no HTTP,
 * no checks, no duplicate detection, no client rows.
 */
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
  const fingerprint = 'f'.repeat(64)
  let position = 0
  const versions = new Map<string, number>()
  return (round: number, clients: number) => {
    const perClient = batchesOf(round, clients)
    const rows: unknown[][][] = []
    for (let b = 0; b < perClient[0]!.length; b++) {
      for (const list of perClient) {
        const { clientId, events } = list[b]!
        rows.push(
          events.map((e) => {
            position++
            const version = (versions.get(e.stream) ?? 0) + 1
            versions.set(e.stream, version)
            return [
              position,
              'bench',
              position,
              clientId,
              e.clientSeq,
              e.id,
              e.stream,
              version,
              e.type,
              JSON.stringify(e.payload),
              e.at,
              null,
              fingerprint,
            ]
          }),
        )
      }
    }
    const start = performance.now()
    for (const r of rows) batch(r)
    return (rows.length * BATCH) / ((performance.now() - start) / 1000)
  }
}

let retried = 0

async function serverRound(url: string, tokens: string[], round: number, clients: number) {
  const bodies = batchesOf(round, clients).map((list) =>
    list.map((b) => JSON.stringify({ protocol: 1, ...b })),
  )
  const count = bodies.reduce((sum, list) => sum + list.length * BATCH, 0)
  const start = performance.now()
  await Promise.all(
    bodies.map(async (list, c) => {
      for (const body of list) {
        // A keep-alive socket the server closed while the raw loop ran fails a fetch now and
        // then on a loaded machine: resend, as a sync client does (appends are idempotent).
        for (let attempt = 1; ; attempt++) {
          try {
            const response = await fetch(`${url}/events`, {
              method: 'POST',
              headers: { authorization: `Bearer ${tokens[c]}`, 'content-type': 'application/json' },
              body,
            })
            if (response.status !== 200) throw new Error(`POST answered ${response.status}`)
            await response.arrayBuffer()
            break
          } catch (error) {
            if (attempt === 3 || !(error instanceof TypeError)) throw error
            retried++
          }
        }
      }
    }),
  )
  return count / ((performance.now() - start) / 1000)
}

const dir = mkdtempSync(join(tmpdir(), 'strata-ingest-http-'))
try {
  console.log(
    `ingest over HTTP, ${EVENTS} events per round in batches of ${BATCH}, best of ${ROUNDS}`,
  )
  for (const clients of values.clients.split(',').map(Number)) {
    const server = await startBenchServer(join(dir, `events-${clients}.db`))
    const raw = rawLoop(dir)
    const tokens = await Promise.all(
      Array.from({ length: clients }, (_, c) => server.token('bench', `client-${c}`)),
    )
    let bestRaw = 0
    let bestServer = 0
    let cpuPerEvent = 0
    try {
      for (let round = 0; round < ROUNDS; round++) {
        bestRaw = Math.max(bestRaw, raw(round, clients))
        const cpu = server.cpuMs()
        const rate = await serverRound(server.url, tokens, round, clients)
        if (rate > bestServer) {
          bestServer = rate
          cpuPerEvent = (server.cpuMs() - cpu) / EVENTS
        }
      }
    } finally {
      // Also when a round fails: a server left running would hold this process's output open.
      await server.stop()
    }
    console.log(
      `${String(clients).padStart(3)} clients   server ${Math.round(bestServer).toString().padStart(7)} ev/s   raw ${Math.round(bestRaw).toString().padStart(7)} ev/s   server/raw ${(bestServer / bestRaw).toFixed(2)}x   server CPU ${(cpuPerEvent * 1000).toFixed(1)} us/event`,
    )
  }
  if (retried) console.log(`${retried} POSTs resent after a network error`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
