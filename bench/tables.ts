/**
 * Table projections on SQLite, against the same work without them.
 *
 *   node --import tsx bench/tables.ts [--sizes 10000,100000,1000000] [--appends 30] [--queries 1000]
 *
 * Append: POST /events of 100 `card/created` events through the whole handler, into a store
 * with one inline table projection (a row per card, indexed by column and title) holding N rows,
 * against a store of the same N events without it; median of `--appends`. Goal: within 2x, and
 * flat in N. View: GET /views/cards?column=&title= (cards of a column whose title starts so,
 * 50 at most) at each N; p50 and p99. Rebuild: `requestRebuild` of the largest
 * store's projection (new tables from the first event, in the background, then the switch),
 * against a bare loop of the same apply calls over a bare table, reading the same events;
 * events per second and their ratio.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  createEventServer,
  type EventServer,
  type ProjectedEvent,
  reportProjections,
  requestRebuild,
  type SqlDb,
  sqliteStorage,
  tableProjection,
} from '@strata/state/server'
import Database from 'better-sqlite3'
import { fmtMs, median, quantile } from './util'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    appends: { type: 'string', default: '30' },
    queries: { type: 'string', default: '1000' },
  },
})
const SIZES = values.sizes.split(',').map(Number)
const APPENDS = Number(values.appends)
const QUERIES = Number(values.queries)
const COLUMNS = ['todo', 'doing', 'done']

const apply = async (event: ProjectedEvent, db: SqlDb) => {
  const p = event.payload as { id: string; columnId: string; title: string }
  await db.run('INSERT INTO {cards} (id, column_id, title) VALUES (?, ?, ?)', [
    p.id,
    p.columnId,
    p.title,
  ])
}
const cards = tableProjection({
  name: 'cards',
  version: 1,
  tables: {
    cards: 'id TEXT NOT NULL, column_id TEXT NOT NULL, title TEXT NOT NULL, PRIMARY KEY (id)',
  },
  indexes: { cards: ['column_id, title'] },
  types: ['card/created'],
  apply,
  read: (db, { column, title }) =>
    db.all(
      'SELECT id, title FROM {cards} WHERE column_id = ? AND title >= ? AND title < ? ORDER BY title LIMIT 50',
      [column, title, `${title}\uffff`],
    ),
})

function body(clientId: string, from: number, count: number): string {
  const events = Array.from({ length: count }, (_, k) => {
    const seq = from + k
    return {
      clientSeq: seq,
      id: `${clientId}-${seq}`,
      stream: `card-${clientId}-${seq}`,
      type: 'card/created',
      payload: {
        id: `${clientId}-${seq}`,
        columnId: COLUMNS[seq % 3],
        title: `card ${(seq * 7919) % 100_000}`,
      },
      at: 1_700_000_000_000 + seq,
    }
  })
  return JSON.stringify({ protocol: 1, clientId, events })
}

async function post(server: EventServer, text: string): Promise<void> {
  const response = await server.fetch(
    new Request('http://bench/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: text,
    }),
  )
  if (response.status !== 200)
    throw new Error(`append: ${response.status} ${await response.text()}`)
  await response.arrayBuffer()
}

const dir = mkdtempSync(join(tmpdir(), 'strata-bench-tables-'))
const stores = {
  with: sqliteStorage(join(dir, 'with.db')),
  without: sqliteStorage(join(dir, 'without.db')),
}
const servers = {
  with: createEventServer({ storage: stores.with, projections: [cards], tables: { pollMs: 50 } }),
  without: createEventServer({ storage: stores.without }),
}
const seqs = { fill: 0, timed: 0 }

/** Both stores up to `size` events (fills of 1,000 per request, not timed). */
async function fill(size: number) {
  while (seqs.fill + seqs.timed < size) {
    const count = Math.min(1000, size - seqs.fill - seqs.timed)
    const text = body('fill', seqs.fill + 1, count)
    await post(servers.with, text)
    await post(servers.without, text)
    seqs.fill += count
  }
}

/** p50 and p99 of `QUERIES` view reads (a column's cards by title prefix, 50 at most). */
async function viewLatency(): Promise<string> {
  const latencies: number[] = []
  for (let i = 0; i < QUERIES; i++) {
    const url = `http://bench/views/cards?column=${COLUMNS[i % 3]}&title=${encodeURIComponent(`card ${(i * 31) % 1000}`)}`
    const start = performance.now()
    const response = await servers.with.fetch(new Request(url))
    if (response.status !== 200)
      throw new Error(`view: ${response.status} ${await response.text()}`)
    await response.json()
    latencies.push(performance.now() - start)
  }
  latencies.sort((x, y) => x - y)
  return `${fmtMs(quantile(latencies, 0.5))} / ${fmtMs(quantile(latencies, 0.99))}`
}

console.log(
  'Table projections on SQLite: append of 100 events, with one inline table projection and without',
)
console.log('rows      without     with        ratio    view query p50 / p99')
for (const size of SIZES) {
  await fill(size)
  const times = { with: [] as number[], without: [] as number[] }
  for (let i = 0; i < APPENDS; i++) {
    const text = body('timed', seqs.timed + 1, 100)
    seqs.timed += 100
    // Alternate which goes first, so neither always meets a warm cache.
    for (const kind of i % 2 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
      const start = performance.now()
      await post(servers[kind], text)
      times[kind].push(performance.now() - start)
    }
  }
  const a = median(times.without)
  const b = median(times.with)
  console.log(
    `${String(size).padEnd(10)}${fmtMs(a).padEnd(12)}${fmtMs(b).padEnd(12)}${`${(b / a).toFixed(2)}x`.padEnd(9)}${await viewLatency()}`,
  )
}

const rows = seqs.fill + seqs.timed

// Rebuild: new tables from the first event, in the background, until reads switch.
const start = performance.now()
await requestRebuild(stores.with, 'cards')
for (;;) {
  const report = await reportProjections(stores.with)
  if (report.length === 1 && report[0]!.generation === 2) break
  await new Promise((r) => setTimeout(r, 20))
}
const rebuildMs = performance.now() - start
await servers.with.close()
await servers.without.close()
await stores.with.close()
await stores.without.close()

// The bare loop: the same apply calls over a bare table, reading the same events.
const events = new Database(join(dir, 'with.db'), { readonly: true })
const bare = new Database(join(dir, 'bare.db'))
bare.pragma('journal_mode = WAL')
bare.exec(
  'CREATE TABLE cards (id TEXT NOT NULL, column_id TEXT NOT NULL, title TEXT NOT NULL, PRIMARY KEY (id)); CREATE INDEX cards_i ON cards (column_id, title)',
)
const statements = new Map<string, Database.Statement>()
const bareDb: SqlDb = {
  run: async (sql, params) => {
    const text = sql.replaceAll('{cards}', 'cards')
    let statement = statements.get(text)
    if (!statement) {
      statement = bare.prepare(text)
      statements.set(text, statement)
    }
    return { changes: statement.run(...(params ?? [])).changes }
  },
  all: async () => [],
  get: async () => undefined,
}
const page = events.prepare(
  'SELECT * FROM strata_events WHERE position > ? ORDER BY position LIMIT 500',
)
const bareStart = performance.now()
for (let after = 0; ; ) {
  const list = page.all(after) as { position: number; type: string; payload: string }[]
  if (!list.length) break
  bare.exec('BEGIN')
  for (const row of list) {
    if (row.type === 'card/created')
      await apply({ ...row, payload: JSON.parse(row.payload) } as unknown as ProjectedEvent, bareDb)
  }
  bare.exec('COMMIT')
  after = list.at(-1)!.position
}
const bareMs = performance.now() - bareStart
events.close()
bare.close()
const perSecond = (ms: number) => Math.round(rows / (ms / 1000)).toLocaleString('en')
console.log(
  `Rebuild of ${rows} events: ${perSecond(rebuildMs)} events/s (${fmtMs(rebuildMs)}); bare loop of the same apply calls ${perSecond(bareMs)} events/s (${fmtMs(bareMs)}); ratio ${(rebuildMs / bareMs).toFixed(2)}x`,
)
rmSync(dir, { recursive: true, force: true })
