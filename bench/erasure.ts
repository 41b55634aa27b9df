/**
 * Erasure's cost: append and read through the whole handler (`POST /events` in batches of 100,
 * `GET /events` in pages of 1,000) on SQLite, with two fields of each event marked personal
 * (sealed with AES-256-GCM under one of 1,000 subjects' keys, opened on every read) beside the
 * same events on a server without `personal`. Reads twice: warm, by the server that wrote them
 * (its cache of opened fields serves what it just sealed: the fan-out after an append) and cold,
 * by a new server on the same file (every field deciphered). Rounds alternate; medians; the goal
 * is 1.3x.
 *
 *   node --import tsx bench/erasure.ts [--events 20000]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createEventServer, type PersonalData, sqliteStorage } from '@strata/state/server'

const { values } = parseArgs({ options: { events: { type: 'string', default: '20000' } } })
const EVENTS = Number(values.events)
const BATCH = 100
const ROUNDS = 5
const personal: PersonalData = {
  'user/renamed': { subject: (p) => p.userId, fields: ['name', 'email'] },
}

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

const make = (withPersonal: boolean, path: string) => {
  const storage = sqliteStorage(path)
  return { storage, server: createEventServer(withPersonal ? { storage, personal } : { storage }) }
}

async function readAll(server: ReturnType<typeof createEventServer>) {
  const t = performance.now()
  let token = 'v1:0'
  let read = 0
  while (true) {
    const response = await server.fetch(
      new Request(`http://bench/events?after=${token}&limit=1000`),
    )
    const page = (await response.json()) as { events: unknown[]; token: string; hasMore: boolean }
    read += page.events.length
    token = page.token
    if (!page.hasMore) break
  }
  if (read !== EVENTS) throw new Error(`read ${read} of ${EVENTS}`)
  return performance.now() - t
}

async function round(withPersonal: boolean, dir: string, n: number) {
  const path = join(dir, `${withPersonal ? 'p' : 'b'}-${n}.db`)
  const { storage, server } = make(withPersonal, path)
  const bodies = Array.from({ length: EVENTS / BATCH }, (_, i) => body('c1', i * BATCH + 1))
  const t = performance.now()
  for (const text of bodies) {
    const response = await server.fetch(
      new Request('http://bench/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: text,
      }),
    )
    if (response.status !== 200) throw new Error(`append: ${response.status}`)
    await response.arrayBuffer()
  }
  const append = performance.now() - t
  const warm = await readAll(server)
  await server.close()
  await storage.close()
  const fresh = make(withPersonal, path)
  const cold = await readAll(fresh.server)
  await fresh.server.close()
  await fresh.storage.close()
  return { append, warm, cold }
}

const median = (list: number[]) => list.slice().sort((a, b) => a - b)[Math.floor(list.length / 2)]!

const dir = mkdtempSync(join(tmpdir(), 'strata-bench-erasure-'))
try {
  await round(false, dir, -1)
  await round(true, dir, -1)
  const base = { append: [] as number[], warm: [] as number[], cold: [] as number[] }
  const sealed = { append: [] as number[], warm: [] as number[], cold: [] as number[] }
  for (let i = 0; i < ROUNDS; i++) {
    // Which goes first alternates too: a round runs on what the one before left (heap, JIT).
    const order = [
      [base, false],
      [sealed, true],
    ] as const
    for (const [list, personalOn] of i % 2 ? [...order].reverse() : order) {
      const r = await round(personalOn, dir, i)
      list.append.push(r.append)
      list.warm.push(r.warm)
      list.cold.push(r.cold)
    }
  }
  const rate = (ms: number) => Math.round((EVENTS / ms) * 1000).toLocaleString('en')
  console.log(`erasure bench: ${EVENTS} events on SQLite, 2 personal fields each, 1,000 subjects`)
  for (const kind of ['append', 'warm', 'cold'] as const) {
    const b = median(base[kind])
    const p = median(sealed[kind])
    console.log(
      `  ${kind === 'append' ? 'append   ' : `read ${kind}`} without ${rate(b).padStart(9)} ev/s, with personal ${rate(p).padStart(9)} ev/s: ${(p / b).toFixed(2)}x (goal <= 1.3x)`,
    )
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
