import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createEventServer,
  isErased,
  postgresStorage,
  type Storage,
  sqliteStorage,
  tableProjection,
} from '@strata/state/server'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { filesUnder, holding } from './diskFiles'
import { NAMES, people, personal } from './erasureFixtures'
import { BASE, batch, get, postOk } from './helpers'
import { startPostgres, type TestPostgres } from './pg'
import { as, authorize } from './suite.server.setup'

/** A table of card authors' names, per tenant; with a `forget` hook, or rebuilt without one. */
const authorRows = (hook: boolean) =>
  tableProjection({
    name: 'author_rows',
    version: 1,
    tables: { rows: 'id TEXT NOT NULL, author_id TEXT NOT NULL, name TEXT, PRIMARY KEY (id)' },
    types: ['card/added'],
    // One event a batch: a tenant's rebuild takes several, and finishes after the forget's wipe.
    batchSize: 1,
    apply: async (event, db) => {
      const p = event.payload as { author: unknown; authorId: string }
      await db.run('INSERT INTO {rows} (id, author_id, name) VALUES (?, ?, ?)', [
        event.id,
        p.authorId,
        isErased(p.author) ? '(erased)' : String(p.author),
      ])
    },
    read: (db) => db.all('SELECT name FROM {rows} ORDER BY id'),
    ...(hook
      ? {
          forget: async (db, { subject }) => {
            await db.run("UPDATE {rows} SET name = '(erased)' WHERE author_id = ?", [subject])
          },
        }
      : {}),
  })

/**
 * Writes Ada's and Bob's cards, forgets Ada, waits for the view to read '(erased)', then for
 * `files()` (what someone with the disk could read) to hold no byte of her name.
 */
async function forgetAndLook(
  storage: Storage,
  hook: boolean,
  files: () => Promise<Map<string, Buffer>>,
) {
  const server = createEventServer({
    storage,
    authorize,
    personal,
    projections: [authorRows(hook)],
    tables: { pollMs: 20 },
    onError: () => {},
  })
  try {
    const { token } = await postOk(server, batch('c1', people('c1')), as('bob'))
    const names = async (min: string) =>
      JSON.stringify(
        (await get(server, '/views/author_rows', { ...as('bob'), 'X-Min-Position': min })).body,
      )
    expect(await names(token)).toContain(NAMES.ada)
    expect(holding(await files(), NAMES.ada).length).toBeGreaterThan(0)
    const forgot = await server.fetch(
      new Request(`${BASE}/subjects/ada/forget`, { method: 'POST', headers: as('root') }),
    )
    const after = ((await forgot.json()) as { token: string }).token
    // The rebuilt rows are swapped in after the forget answered; the view waits for them.
    await vi.waitFor(async () => expect(await names(after)).toContain('(erased)'), {
      timeout: 15_000,
    })
    expect(await names(after)).not.toContain(NAMES.ada)
    // The swap's deletion reaches the files too (before: SQLite's old page stayed in the
    // database file until a checkpoint no forget asked for; PostgreSQL kept the old rows as
    // dead tuples, with a hook too).
    await vi.waitFor(async () => expect(holding(await files(), NAMES.ada)).toEqual([]), {
      timeout: 15_000,
      interval: 200,
    })
    expect(holding(await files(), NAMES.bob).length).toBeGreaterThan(0)
  } finally {
    await server.close()
  }
}

const cases = [
  ['scrubbed by its hook', true],
  ['rebuilt for the tenant (no hook)', false],
] as const

describe('after forgetSubject no byte of a table projection’s rows is left in the store files', () => {
  it.each(cases)('SQLite, %s: the database, its -wal and its -shm', async (_, hook) => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-erase-tables-'))
    const storage = sqliteStorage(join(dir, 'events.db'))
    try {
      await forgetAndLook(storage, hook, async () => filesUnder(dir))
    } finally {
      await storage.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  describe('PostgreSQL', () => {
    let postgres: TestPostgres
    beforeAll(async () => {
      postgres = await startPostgres()
    }, 60_000)
    afterAll(() => postgres?.stop())

    it.each(cases)(
      "%s: the cluster's table files, after a CHECKPOINT",
      async (_, hook) => {
        if (!postgres.dataDir) throw new Error('this test needs the embedded cluster (its files)')
        const pool = postgres.pool(5)
        const storage = await postgresStorage(pool, { schema: postgres.schema() })
        try {
          await forgetAndLook(storage, hook, async () => {
            await pool.query('CHECKPOINT')
            return filesUnder(join(postgres.dataDir!, 'base'))
          })
        } finally {
          await storage.close()
          await pool.end()
        }
      },
      60_000,
    )
  })
})
