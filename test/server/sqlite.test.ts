import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStorage } from '@strata/state/server'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { expectMigrated, OLD_SQLITE_TABLES, oldRows } from './migration'
import { describeStorage } from './suite'

const dir = mkdtempSync(join(tmpdir(), 'strata-sqlite-'))
let n = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('sqliteStorage', () => {
  describeStorage({ make: async () => sqliteStorage(join(dir, `events-${n++}.db`)), sql: true })

  it('moves a store of the layout before tenant positions to this one, once', async () => {
    const path = join(dir, `old-${n++}.db`)
    const old = new Database(path)
    old.exec(OLD_SQLITE_TABLES)
    const insert = (table: string, rows: unknown[][]) => {
      for (const row of rows)
        old.prepare(`INSERT INTO ${table} VALUES (${row.map(() => '?').join(', ')})`).run(...row)
    }
    insert('strata_events', oldRows.events)
    insert('strata_clients', oldRows.clients)
    insert('strata_rejections', oldRows.rejections)
    insert('strata_checkpoints', oldRows.checkpoints)
    old.close()

    const storage = sqliteStorage(path)
    try {
      await expectMigrated(storage)
    } finally {
      await storage.close()
    }
    const db = new Database(path)
    const indexes = () =>
      (db.prepare('PRAGMA index_list(strata_events)').all() as { name: string }[])
        .map((i) => i.name)
        .sort()
    expect(db.pragma('user_version', { simple: true })).toBe(2)
    expect(indexes()).toEqual([
      'strata_events_client',
      'strata_events_client_id',
      'strata_events_stream',
      'strata_events_tenant_position',
    ])
    db.close()
    // A second start finds nothing to change.
    const again = sqliteStorage(path)
    expect(await again.head('a')).toBe(3)
    await again.close()
  })

  it('refuses a store of a newer layout than it knows', async () => {
    const path = join(dir, `new-${n++}.db`)
    const db = new Database(path)
    db.pragma('user_version = 99')
    db.close()
    expect(() => sqliteStorage(path)).toThrow(/layout 99, newer/)
  })
})
