import { postgresStorage, type Storage } from '@strata/state/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectMigrated, oldPostgresTables, oldRows } from './migration'
import { startPostgres, type TestPostgres } from './pg'
import { describeStorage } from './suite'

let postgres: TestPostgres
let pool: ReturnType<TestPostgres['pool']>
beforeAll(async () => {
  postgres = await startPostgres()
  pool = postgres.pool(20)
}, 60_000)
afterAll(() => postgres?.stop())

describe('postgresStorage', () => {
  const schemas = new WeakMap<Storage, string>()
  describeStorage({
    make: async () => {
      const schema = postgres.schema()
      const storage = await postgresStorage(pool, { schema })
      schemas.set(storage, schema)
      return storage
    },
    sql: true,
    reopen: (storage) => postgresStorage(pool, { schema: schemas.get(storage)! }),
  })

  it('moves a store of the layout before tenant positions to this one, once', async () => {
    const schema = postgres.schema()
    await pool.query(oldPostgresTables(schema))
    const insert = async (table: string, rows: unknown[][]) => {
      for (const row of rows)
        await pool.query(
          `INSERT INTO ${schema}.${table} VALUES (${row.map((_, i) => `$${i + 1}`).join(', ')})`,
          row,
        )
    }
    await insert('events', oldRows.events)
    await insert('clients', oldRows.clients)
    await insert('rejections', oldRows.rejections)
    await insert('checkpoints', oldRows.checkpoints)
    const constraints = async () =>
      (
        await pool.query(
          `SELECT conname FROM pg_constraint WHERE conrelid = '${schema}.events'::regclass AND contype = 'u' ORDER BY conname`,
        )
      ).rows.map((r) => r.conname as string)
    expect(await constraints()).toContain('events_tenant_id_key')

    const storage = await postgresStorage(pool, { schema })
    try {
      await expectMigrated(storage)
    } finally {
      await storage.close()
    }
    expect(await constraints()).toEqual([
      'events_tenant_client_id_client_seq_key',
      'events_tenant_client_id_id_key',
      'events_tenant_stream_stream_version_key',
      'events_tenant_tenant_position_key',
    ])
    // A second start finds nothing to change.
    const again = await postgresStorage(pool, { schema })
    expect(await again.head('a')).toBe(3)
    await again.close()
    expect(await constraints()).toHaveLength(4)
  })

  it('refuses a schema of a newer layout than it knows', async () => {
    const schema = postgres.schema()
    await (await postgresStorage(pool, { schema })).close()
    await pool.query(`UPDATE ${schema}.schema_version SET version = 99`)
    await expect(postgresStorage(pool, { schema })).rejects.toThrow(/layout 99, newer/)
  })
})
