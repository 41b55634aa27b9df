/**
 * GET /events through the handler on memory, SQLite and PostgreSQL: ordinary pages (1,000
 * events of ~150 bytes, read by a principal of every stream, whose pages the store writes, and
 * one of some streams, whose pages the server writes) and the first page of 200 events of 60 KB
 * (what limits.maxReadBytes bounds: its size and time).
 *
 *   node --import tsx bench/readBytes.ts [--events 10000] [--rounds 21] [--before <worktree>]
 *
 * With --before, that worktree's server (an older commit) reads the same events beside this
 * one's, in turns within one process, and the median ratio of this one's time to its is
 * printed: a comparison that holds on a busy machine better than two runs do.
 */
import { parseArgs } from 'node:util'
import * as here from '@strata/state/server'
import { startPostgres } from '../test/server/pg'

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '21' },
    before: { type: 'string' },
  },
})
const N = Number(values.events)
const ROUNDS = Number(values.rounds)
type Server = typeof here
const servers: [string, Server][] = [['this', here]]
if (values.before)
  servers.push(['before', (await import(`${values.before}/src/server/index.ts`)) as Server])

function body(from: number, count: number, big: boolean) {
  const events = Array.from({ length: count }, (_, k) => {
    const n = from + k
    const payload = big
      ? { n, pad: 'x'.repeat(60_000) }
      : { userId: `user-${n % 1000}`, name: `Person ${n} Example`, email: `u${n}@example.com`, n }
    return { clientSeq: n, id: `c-${n}`, stream: `s-${n % 10}`, type: 't', payload, at: n }
  })
  return JSON.stringify({ protocol: 1, clientId: 'c', events })
}
/** `all@<tenant>` reads every stream, `some@<tenant>` all but one. */
const authorize = (r: Request): here.Principal => {
  const [who = 'all', tenant = 'small'] = (r.headers.get('authorization') ?? '').split('@')
  return who === 'some' ? { id: who, tenant, canRead: (s) => s !== 'none' } : { id: who, tenant }
}
type Handler = ReturnType<Server['createEventServer']>
const get = (server: Handler, query: string, who: string) =>
  server.fetch(new Request(`http://b/events${query}`, { headers: { authorization: who } }))

async function readAll(server: Handler, who: string) {
  let token = 'v1:0'
  const t = performance.now()
  for (;;) {
    const page = JSON.parse(await (await get(server, `?after=${token}&limit=1000`, who)).text())
    token = page.token
    if (!page.hasMore) return performance.now() - t
  }
}
const median = (l: number[]) => l.slice().sort((a, b) => a - b)[Math.floor(l.length / 2)]!

const postgres = await startPostgres()
try {
  for (const kind of ['memory', 'sqlite', 'postgres'] as const) {
    const made = []
    for (const [name, m] of servers) {
      const storage =
        kind === 'memory'
          ? m.memoryStorage()
          : kind === 'sqlite'
            ? m.sqliteStorage(':memory:')
            : await m.postgresStorage(postgres.pool(4), { schema: postgres.schema() })
      const server = m.createEventServer({ storage, authorize })
      const post = async (text: string, tenant: string) => {
        const r = await server.fetch(
          new Request('http://b/events', {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `all@${tenant}` },
            body: text,
          }),
        )
        if (r.status !== 200) throw new Error(`${r.status} ${await r.text()}`)
      }
      for (let from = 1; from <= N; from += 100) await post(body(from, 100, false), 'small')
      for (let from = 1; from <= 200; from += 10) await post(body(from, 10, true), 'large')
      made.push({ name, storage, server })
    }
    for (const who of ['all@small', 'some@small']) {
      const times = new Map<string, number[]>(made.map((s) => [s.name, []]))
      for (let round = -2; round < ROUNDS; round++) {
        for (const s of round % 2 ? made : made.slice().reverse()) {
          const ms = await readAll(s.server, who)
          if (round >= 0) times.get(s.name)!.push(ms)
        }
      }
      const ratio = values.before
        ? `, this/before ${median(times.get('this')!.map((t, i) => t / times.get('before')![i]!)).toFixed(3)}`
        : ''
      const each = made.map((s) => `${s.name} ${median(times.get(s.name)!).toFixed(1)} ms`)
      console.log(
        `${kind} ${who.split('@')[0]}: ${N} events in pages of 1,000: ${each.join(', ')}${ratio}`,
      )
    }
    for (const s of made) {
      const t = performance.now()
      const text = await (await get(s.server, '?after=v1:0&limit=1000', 'all@large')).text()
      const ms = performance.now() - t
      const count = (JSON.parse(text) as { events: unknown[] }).events.length
      console.log(
        `${kind} ${s.name}: first page of 200 events of 60 KB: ${(text.length / 1e6).toFixed(1)} MB, ${count} events, ${ms.toFixed(0)} ms`,
      )
      await s.server.close()
      await s.storage.close()
    }
  }
} finally {
  await postgres.stop()
}
