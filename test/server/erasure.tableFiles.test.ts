import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEventServer, isErased, sqliteStorage, tableProjection } from '@strata/state/server'
import { describe, expect, it, vi } from 'vitest'
import { filesUnder, holding } from './diskFiles'
import { NAMES, people, personal } from './erasureFixtures'
import { BASE, batch, get, postOk } from './helpers'
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

describe('after forgetSubject no byte of a table projection’s rows is left in the SQLite files', () => {
  it.each([
    ['scrubbed by its hook', true],
    ['rebuilt for the tenant (no hook)', false],
  ])('%s: the database, its -wal and its -shm', async (_, hook) => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-erase-tables-'))
    const storage = sqliteStorage(join(dir, 'events.db'))
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
      expect(holding(filesUnder(dir), NAMES.ada).length).toBeGreaterThan(0)
      const forgot = await server.fetch(
        new Request(`${BASE}/subjects/ada/forget`, { method: 'POST', headers: as('root') }),
      )
      const after = ((await forgot.json()) as { token: string }).token
      // The rebuilt rows are swapped in after the forget answered; the view waits for them.
      await vi.waitFor(async () => expect(await names(after)).toContain('(erased)'), {
        timeout: 15_000,
      })
      expect(await names(after)).not.toContain(NAMES.ada)
      // The swap's deletion reaches the files too (before: the old page stayed in the database
      // file until a checkpoint that no forget asked for).
      await vi.waitFor(() => expect(holding(filesUnder(dir), NAMES.ada)).toEqual([]), {
        timeout: 15_000,
      })
      expect(holding(filesUnder(dir), NAMES.bob).length).toBeGreaterThan(0)
    } finally {
      await server.close()
      await storage.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
