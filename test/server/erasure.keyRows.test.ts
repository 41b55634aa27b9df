import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createEventServer,
  postgresStorage,
  type Storage,
  sqliteStorage,
} from '@strata/state/server'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { boardSnapshot, NAMES, personal } from './erasureFixtures'
import { BASE, batch, events, get, postOk } from './helpers'
import { startPostgres, type TestPostgres } from './pg'
import { as, authorize } from './suite.server.setup'

const card = (seq: number, authorId: 'ada' | 'bob') =>
  events('c1', seq, 1, {
    type: 'card/added',
    stream: 'cards',
    payload: { authorId, author: NAMES[authorId], title: `card ${seq}` },
  })

/** A store as the code before first positions left it: the key rows without the column. */
interface OldStore {
  open(): Promise<Storage>
  dropColumn(): Promise<void>
  cleanup(): Promise<void>
}

/**
 * Key rows made before they recorded where their subject starts read null: a forget then finds
 * the position by a scan, as before, and snapshots still go back only as far as they must.
 */
function migrates(name: string, make: () => Promise<OldStore>) {
  it(`${name}: an old key table gains the column; old rows are scanned, new ones recorded`, {
    timeout: 30_000,
  }, async () => {
    const store = await make()
    const snapshot = { ...boardSnapshot, keepEvery: 2 }
    const serve = (storage: Storage) =>
      createEventServer({ storage, authorize, personal, snapshots: [snapshot], onError: () => {} })
    let storage = await store.open()
    let server = serve(storage)
    try {
      for (let seq = 1; seq <= 2; seq++)
        await postOk(server, batch('c1', card(seq, 'bob')), as('bob'))
      await postOk(server, batch('c1', [...card(3, 'ada'), ...card(4, 'bob')]), as('bob'))
      await server.close()
      await storage.close()
      await store.dropColumn()

      storage = await store.open()
      server = serve(storage)
      expect(await storage.firstSealed!('acme', 'ada')).toBeNull()
      // A subject first seen after the migration is recorded.
      await postOk(server, batch('c1', card(5, 'bob')), as('bob'))
      expect(await storage.firstSealed!('acme', 'bob')).toBeNull()
      await postOk(
        server,
        batch(
          'c1',
          events('c1', 6, 1, {
            type: 'user/renamed',
            stream: 'users',
            payload: { userId: 'cy', name: 'Cy Twombly-Fresh', email: 'cy@x.example' },
          }),
        ),
        as('bob'),
      )
      expect(await storage.firstSealed!('acme', 'cy')).toBe(6)
      for (let i = 0; i < 100; i++) {
        if ((await get(server, '/snapshots/board', as('bob'))).body.position === 'v1:6') break
        await new Promise((r) => setTimeout(r, 20))
      }
      const kept2 = await storage.loadCheckpoint('snapshot:board#2', 'acme')
      expect(JSON.stringify(await storage.loadCheckpoint('snapshot:board#4', 'acme'))).toContain(
        NAMES.ada,
      )
      const forgot = await server.fetch(
        new Request(`${BASE}/subjects/ada/forget`, { method: 'POST', headers: as('root') }),
      )
      expect(forgot.status).toBe(200)
      // The scan found Ada at 3: the state kept at 2 stays, the one at 4 is gone (or kept again
      // by the fold forward, without her name).
      expect(await storage.loadCheckpoint('snapshot:board#2', 'acme')).toEqual(kept2)
      expect(
        String(JSON.stringify(await storage.loadCheckpoint('snapshot:board#4', 'acme'))),
      ).not.toContain(NAMES.ada)
      expect(JSON.stringify(await storage.loadCheckpoint('snapshot:board', 'acme'))).not.toContain(
        NAMES.ada,
      )
    } finally {
      await server.close()
      await storage.close()
      await store.cleanup()
    }
  })
}

describe('key rows record where their subject starts (migration)', () => {
  migrates('SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-keyrows-'))
    const path = join(dir, 'events.db')
    return {
      open: async () => sqliteStorage(path),
      dropColumn: async () => {
        const db = new Database(path)
        db.exec('ALTER TABLE strata_subject_keys DROP COLUMN first_position')
        db.close()
      },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    }
  })

  describe('PostgreSQL', () => {
    let postgres: TestPostgres
    beforeAll(async () => {
      postgres = await startPostgres()
    }, 60_000)
    afterAll(() => postgres?.stop())
    migrates('PostgreSQL', async () => {
      const pool = postgres.pool(5)
      const schema = postgres.schema()
      return {
        open: () => postgresStorage(pool, { schema }),
        dropColumn: async () => {
          await pool.query(`ALTER TABLE ${schema}.subject_keys DROP COLUMN first_position`)
        },
        cleanup: async () => {},
      }
    })
  })
})
