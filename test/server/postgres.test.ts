import { createEventServer, postgresStorage } from '@strata/state/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { batch, postOk, readAll, wireEvent } from './helpers'
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
  describeStorage({ make: () => postgresStorage(pool, { schema: postgres.schema() }) })

  it('moves a store made with ids unique per tenant to ids unique per client', async () => {
    const schema = postgres.schema()
    // The events table of stores made before: (tenant, id) unique.
    await pool.query(`CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.events (
        position bigint PRIMARY KEY,
        tenant text NOT NULL,
        client_id text NOT NULL,
        client_seq bigint NOT NULL,
        id text NOT NULL,
        stream text NOT NULL,
        stream_version bigint NOT NULL,
        type text NOT NULL,
        payload jsonb NOT NULL,
        at double precision NOT NULL,
        command_id text,
        fingerprint text NOT NULL,
        UNIQUE (client_id, client_seq),
        UNIQUE (tenant, stream, stream_version),
        UNIQUE (tenant, id)
      );`)
    const constraints = async () =>
      (
        await pool.query(
          `SELECT conname FROM pg_constraint WHERE conrelid = '${schema}.events'::regclass AND contype = 'u' ORDER BY conname`,
        )
      ).rows.map((r) => r.conname as string)
    expect(await constraints()).toContain('events_tenant_id_key')

    const storage = await postgresStorage(pool, { schema })
    const server = createEventServer({ storage, onError: () => {} })
    try {
      await postOk(server, batch('c1', [wireEvent(1, { id: 'same' })]))
      const other = await postOk(server, batch('c2', [wireEvent(1, { id: 'same' })]))
      expect(other.results).toEqual([{ clientSeq: 1, status: 'applied', position: 'v1:2' }])
      const own = await postOk(server, batch('c1', [wireEvent(2, { id: 'same' })]))
      expect(own.results[0]).toMatchObject({ status: 'rejected', position: 'v1:1' })
      expect((await readAll(server)).events.map((e) => e.clientId)).toEqual(['c1', 'c2'])
    } finally {
      await server.close()
      await storage.close()
    }
    expect(await constraints()).toEqual([
      'events_client_id_client_seq_key',
      'events_client_id_id_key',
      'events_tenant_stream_stream_version_key',
    ])
    // A second start finds nothing to change.
    await (await postgresStorage(pool, { schema })).close()
    expect(await constraints()).toHaveLength(3)
  })
})
