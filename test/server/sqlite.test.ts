import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEventServer, sqliteStorage } from '@strata/state/server'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { batch, postOk, readAll, wireEvent } from './helpers'
import { describeStorage } from './suite'

const dir = mkdtempSync(join(tmpdir(), 'strata-sqlite-'))
let n = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('sqliteStorage', () => {
  describeStorage({ make: async () => sqliteStorage(join(dir, `events-${n++}.db`)) })

  it('moves a store made with ids unique per tenant to ids unique per client', async () => {
    const path = join(dir, `old-${n++}.db`)
    await sqliteStorage(path).close()
    // The schema of stores made before: (tenant, id) unique.
    const old = new Database(path)
    old.exec(`DROP INDEX strata_events_client_id;
      CREATE UNIQUE INDEX strata_events_id ON strata_events (tenant, id);`)
    old.close()

    const storage = sqliteStorage(path)
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
    const db = new Database(path, { readonly: true })
    const indexes = db.prepare('PRAGMA index_list(strata_events)').all() as { name: string }[]
    db.close()
    expect(indexes.map((i) => i.name)).toContain('strata_events_client_id')
    expect(indexes.map((i) => i.name)).not.toContain('strata_events_id')
  })
})
