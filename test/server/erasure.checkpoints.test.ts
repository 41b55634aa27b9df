import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { prefixEnd, sqliteErasureTx } from '../../src/server/storage/sqliteErasure'
import { migrateSqlite } from '../../src/server/storage/sqliteSchema'

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3

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
    const rows: [string, string, number][] = [
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
    for (const [name, scope, position] of rows) put.run(name, scope, position, '{}')
    await tx.deleteCheckpoints('acme', 'snapshot:board#', 100)
    expect(names()).toEqual([
      't:acme snapshot:board @900',
      't:acme snapshot:board# @5',
      'all snapshot:board#1 @900',
      't:evil snapshot:board#200 @200',
      't:acme snapshot:board$ @900',
      't:acme snapshot:boarda#1 @900',
    ])
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
