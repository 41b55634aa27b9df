import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createEventServer,
  type EventServer,
  postgresStorage,
  type Storage,
  sqliteStorage,
} from '@strata/state/server'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { filesUnder, holding } from './diskFiles'
import {
  authors,
  boardSnapshot,
  EMAIL,
  inlineAuthors,
  NAMES,
  people,
  personal,
} from './erasureFixtures'
import { BASE, batch, get, postOk } from './helpers'
import { startPostgres, type TestPostgres } from './pg'
import { as, authorize } from './suite.server.setup'

/** Writes, lets every derived state take the names, forgets Ada, waits for the refolds. */
async function writeAndForget(storage: Storage, beforeForget = () => {}): Promise<EventServer> {
  const server = createEventServer({
    storage,
    authorize,
    personal,
    projections: [authors, inlineAuthors],
    snapshots: [{ ...boardSnapshot, keepEvery: 2 }],
    onError: () => {},
  })
  const { token } = await postOk(server, batch('c1', people('c1')), as('bob'))
  const wait = { ...as('bob'), 'X-Min-Position': token }
  expect((await get(server, '/views/authors', wait)).body.names).toContain(NAMES.ada)
  expect(JSON.stringify((await get(server, '/snapshots/board', as('bob'))).body)).toContain(
    NAMES.ada,
  )
  beforeForget()
  const forgotten = await server.fetch(
    new Request(`${BASE}/subjects/ada/forget`, { method: 'POST', headers: as('root') }),
  )
  const after = { ...as('bob'), 'X-Min-Position': ((await forgotten.json()) as any).token }
  expect((await get(server, '/views/authors', after)).body.names[0]).toBe('(erased)')
  const snapshot = await get(server, '/snapshots/board', as('bob'))
  expect(snapshot.body.position).toBe('v1:4')
  return server
}

const SECRETS = [NAMES.ada, EMAIL, 'Lovelace']

/** Ada's key as stored, read with a second connection (WAL: it sees what was committed). */
function keyBytes(path: string): Buffer[] {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const row = db
      .prepare("SELECT key FROM strata_subject_keys WHERE subject = 'ada' AND key IS NOT NULL")
      .pluck()
      .get() as Buffer | undefined
    return row ? [row] : []
  } finally {
    db.close()
  }
}

describe('after forgetSubject no byte of the fields is left in the store files', () => {
  it('SQLite: the database, its -wal and its -shm', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-erase-'))
    try {
      const path = join(dir, 'events.db')
      const storage = sqliteStorage(path)
      const keysBefore = keyBytes(path)
      const server = await writeAndForget(storage, () => {
        keysBefore.push(...keyBytes(path))
      })
      const open = filesUnder(dir)
      expect([...open.keys()].map((p) => p.slice(dir.length + 1)).sort()).toEqual([
        'events.db',
        'events.db-shm',
        'events.db-wal',
      ])
      for (const secret of SECRETS) expect(holding(open, secret)).toEqual([])
      // Nor Ada's key, which would open the ciphertext that stays.
      expect(keysBefore.length).toBe(1)
      for (const key of keysBefore) {
        expect([...open].filter(([, bytes]) => bytes.includes(key)).map(([n]) => n)).toEqual([])
      }
      // The search does find what was not forgotten: Bob's name, in derived states.
      expect(holding(open, NAMES.bob).length).toBeGreaterThan(0)
      await server.close()
      await storage.close()
      const closed = filesUnder(dir)
      for (const secret of SECRETS) expect(holding(closed, secret)).toEqual([])
      expect(holding(closed, NAMES.bob).length).toBeGreaterThan(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  describe('PostgreSQL', () => {
    let postgres: TestPostgres
    beforeAll(async () => {
      postgres = await startPostgres()
    }, 60_000)
    afterAll(() => postgres?.stop())

    it("the cluster's table files (base/, global/), after a CHECKPOINT", async () => {
      if (!postgres.dataDir) throw new Error('this test needs the embedded cluster (its files)')
      const pool = postgres.pool(5)
      const storage = await postgresStorage(pool, { schema: postgres.schema() })
      const server = await writeAndForget(storage)
      await pool.query('CHECKPOINT')
      const tables = new Map([
        ...filesUnder(join(postgres.dataDir, 'base')),
        ...filesUnder(join(postgres.dataDir, 'global')),
      ])
      for (const secret of SECRETS) expect(holding(tables, secret)).toEqual([])
      expect(holding(tables, NAMES.bob).length).toBeGreaterThan(0)
      // pg_wal, and what wal_recycle changes there: erasure.wal.test.ts.
      await server.close()
      await storage.close()
    })
  })
})
