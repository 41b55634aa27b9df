import { createRequire } from 'node:module'
import { postgresStorage } from '@strata/state/server'
import type BetterSqlite3 from 'better-sqlite3'
import type { PoolClient } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresErasureTx } from '../../src/server/storage/postgresErasure'
import { prefixEnd } from '../../src/server/storage/rows'
import { sqliteErasureTx } from '../../src/server/storage/sqliteErasure'
import { migrateSqlite } from '../../src/server/storage/sqliteSchema'
import { startPostgres, type TestPostgres } from './pg'

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3

/** Kept states around the prefix `snapshot:board#` of tenant acme: name, scope, position. */
const ROWS: [string, string, number][] = [
  ['snapshot:board#', 't:acme', 5],
  ['snapshot:board#100', 't:acme', 100],
  ['snapshot:board#200', 't:acme', 200],
  ['snapshot:board#\u{1F600}', 't:acme', 300],
  ['snapshot:board#\uFFFF', 't:acme', 300],
  ['snapshot:board#200', 't:evil', 200],
  ['snapshot:board', 't:acme', 900],
  ['snapshot:board$', 't:acme', 900],
  ['snapshot:boarda#1', 't:acme', 900],
  ['snapshot:board#1', 'all', 900],
]
/** What deleteCheckpoints('acme', 'snapshot:board#', 100) leaves of ROWS, by name in code point order. */
const LEFT = [
  't:acme snapshot:board @900',
  't:acme snapshot:board# @5',
  'all snapshot:board#1 @900',
  't:evil snapshot:board#200 @200',
  't:acme snapshot:board$ @900',
  't:acme snapshot:boarda#1 @900',
]

/** A store's tables on one connection that logs each statement it runs, parameters bound. */
function store() {
  const seen: string[] = []
  const db = new Database(':memory:', { verbose: (sql) => seen.push(String(sql)) })
  migrateSqlite(db)
  const put = db.prepare(
    'INSERT INTO strata_checkpoints (name, scope, position, state) VALUES (?, ?, ?, ?)',
  )
  const names = () =>
    (
      db.prepare('SELECT name, scope, position FROM strata_checkpoints ORDER BY 1, 2').all() as {
        name: string
        scope: string
        position: number
      }[]
    ).map((r) => `${r.scope} ${r.name} @${r.position}`)
  return { db, seen, put, names, tx: sqliteErasureTx(db) }
}

describe('SQLite deleteCheckpoints (a forget drops the kept states of a snapshot)', () => {
  it('reads a range of the primary key, not every checkpoint of every tenant', async () => {
    const { db, seen, put, tx } = store()
    for (let i = 0; i < 50; i++) put.run(`snapshot:board#${i * 100}`, 't:acme', i * 100, '{}')
    seen.length = 0
    await tx.deleteCheckpoints('acme', 'snapshot:board#', 1000)
    const statement = seen.find((s) => s.startsWith('DELETE FROM strata_checkpoints'))!
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${statement}`).all() as { detail: string }[])
      .map((r) => r.detail)
      .join('; ')
    // Before: "SCAN strata_checkpoints" (substr(name, 1, n) = prefix reads every row).
    expect(plan).toMatch(/SEARCH strata_checkpoints USING PRIMARY KEY \(name>\? AND name<\?\)/)
  })

  it('drops exactly the names that start with the prefix, of that scope, from that position', async () => {
    const { put, names, tx } = store()
    for (const [name, scope, position] of ROWS) put.run(name, scope, position, '{}')
    await tx.deleteCheckpoints('acme', 'snapshot:board#', 100)
    expect(names()).toEqual(LEFT)
    await tx.deleteCheckpoints(undefined, 'snapshot:board#')
    expect(names()).not.toContain('all snapshot:board#1 @900')
  })

  it.each([
    ['a#', 'a$'],
    ['a\uD7FF', 'a\uE000'],
    ['a\u{10FFFF}', 'b'],
    ['\u{10FFFF}', undefined],
    ['', undefined],
  ])('the end of prefix %j is %j', (prefix, end) => {
    expect(prefixEnd(prefix)).toBe(end)
  })
})

describe('PostgreSQL kept states by name prefix (deleteCheckpoints, lastCheckpoint)', () => {
  let postgres: TestPostgres
  let pool: ReturnType<TestPostgres['pool']>
  beforeAll(async () => {
    postgres = await startPostgres()
    pool = postgres.pool(4)
  }, 60_000)
  afterAll(() => postgres?.stop())

  async function pgStore() {
    const schema = postgres.schema()
    const storage = await postgresStorage(pool, { schema })
    const put = (name: string, scope: string, position: number) =>
      pool.query(
        `INSERT INTO ${schema}.checkpoints (name, scope, position, state) VALUES ($1, $2, $3, '{}')`,
        [name, scope, position],
      )
    const names = async () =>
      (
        await pool.query(
          `SELECT name, scope, position FROM ${schema}.checkpoints ORDER BY name COLLATE "C", scope COLLATE "C"`,
        )
      ).rows.map((r) => `${r.scope} ${r.name} @${r.position}`)
    /** The plan PostgreSQL makes for a statement, as run, with sequential scans priced out. */
    const plan = async (text: string, values: unknown[]) => {
      const client = await pool.connect()
      try {
        await client.query('SET enable_seqscan = off')
        await client.query(`PREPARE probe AS ${text}`)
        const literal = values.map((v) => (typeof v === 'number' ? v : `'${v}'`)).join(', ')
        const { rows } = await client.query(`EXPLAIN EXECUTE probe(${literal})`)
        await client.query('DEALLOCATE probe')
        return rows.map((r) => r['QUERY PLAN'] as string).join('\n')
      } finally {
        client.release()
      }
    }
    /** Runs `body` in a transaction whose statements are recorded. */
    const inTx = async (body: (tx: ReturnType<typeof postgresErasureTx>) => Promise<void>) => {
      const client = await pool.connect()
      const seen: { text: string; values: unknown[] }[] = []
      const query = client.query.bind(client) as (text: string, values?: unknown[]) => unknown
      ;(client as unknown as { query: typeof query }).query = (text, values) => {
        seen.push({ text, values: values ?? [] })
        return query(text, values)
      }
      try {
        await body(postgresErasureTx(client as unknown as PoolClient, schema))
      } finally {
        ;(client as unknown as { query: typeof query }).query = query
        client.release()
      }
      return seen
    }
    return { schema, storage, put, names, plan, inTx }
  }

  it('reads a range of checkpoints_scope_name, not every checkpoint of every tenant', async () => {
    const { storage, put, plan, inTx } = await pgStore()
    for (let i = 0; i < 50; i++) await put(`snapshot:board#${i * 100}`, 't:acme', i * 100)
    const [deleted] = await inTx((tx) => tx.deleteCheckpoints('acme', 'snapshot:board#', 1000))
    // Before: "Seq Scan on checkpoints" (left(name, n) = prefix reads every row).
    expect(await plan(deleted!.text, deleted!.values)).toMatch(/Index .*checkpoints_scope_name/)
    const seen: { text: string; values: unknown[] }[] = []
    const query = pool.query.bind(pool) as (text: string, values?: unknown[]) => unknown
    ;(pool as unknown as { query: typeof query }).query = (text, values) => {
      seen.push({ text, values: values ?? [] })
      return query(text, values)
    }
    try {
      expect((await storage.lastCheckpoint!('snapshot:board#', 850, 'acme'))?.position).toBe(800)
    } finally {
      ;(pool as unknown as { query: typeof query }).query = query
    }
    const last = seen.find((s) => s.text.includes('ORDER BY position DESC'))!
    expect(await plan(last.text, last.values)).toMatch(/Index .*checkpoints_scope_name/)
    await storage.close()
  })

  it('drops exactly the names that start with the prefix, of that scope, from that position', async () => {
    const { storage, put, names, inTx } = await pgStore()
    for (const [name, scope, position] of ROWS) await put(name, scope, position)
    expect((await storage.lastCheckpoint!('snapshot:board#', 1000, 'acme'))?.position).toBe(300)
    expect((await storage.lastCheckpoint!('snapshot:board#', 99, 'acme'))?.position).toBe(5)
    expect(await storage.lastCheckpoint!('snapshot:board#', 4, 'acme')).toBeUndefined()
    await inTx((tx) => tx.deleteCheckpoints('acme', 'snapshot:board#', 100))
    expect(await names()).toEqual(LEFT)
    await inTx((tx) => tx.deleteCheckpoints(undefined, 'snapshot:board#'))
    expect(await names()).not.toContain('all snapshot:board#1 @900')
    // A prefix without an end (its last code point the highest) still drops what it names.
    await put('\u{10FFFF}x', 't:acme', 1)
    await put('\u{10FFFF}', 't:acme', 2)
    await put('a', 't:acme', 3)
    await inTx((tx) => tx.deleteCheckpoints('acme', '\u{10FFFF}'))
    expect((await names()).filter((n) => n.includes('\u{10FFFF}') || n.endsWith(' a @3'))).toEqual([
      't:acme a @3',
    ])
    await storage.close()
  })
})
