import { createEventServer, isErased, sqliteStorage, tableProjection } from '@strata/state/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { NAMES, people, personal } from './erasureFixtures'
import { BASE, batch, get, postOk } from './helpers'
import { as, authorize } from './suite.server.setup'

const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closing.splice(0)) await close()
})

/** A table of authors' names: a SQL read model that holds personal data. */
const authorsTable = tableProjection({
  name: 'author_rows',
  version: 1,
  tables: { rows: 'id TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (id)' },
  apply: async (event, db) => {
    const p = event.payload as { author?: unknown; name?: unknown }
    const value = p.author ?? p.name
    if (value === undefined) return
    await db.run('INSERT INTO {rows} (id, name) VALUES (?, ?)', [
      event.id,
      isErased(value) ? '(erased)' : String(value),
    ])
  },
  read: (db) => db.all('SELECT name FROM {rows} ORDER BY id'),
})

describe('erasure and table projections', () => {
  it('forgetSubject rebuilds them: the new tables hold the placeholder', async () => {
    const storage = sqliteStorage(':memory:')
    const server = createEventServer({
      storage,
      authorize,
      personal,
      projections: [authorsTable],
      tables: { pollMs: 20 },
      onError: () => {},
    })
    closing.push(async () => {
      await server.close()
      await storage.close()
    })
    const { token } = await postOk(server, batch('c1', people('c1')), as('bob'))
    const names = async (min: string) =>
      (await get(server, '/views/author_rows', { ...as('bob'), 'X-Min-Position': min })).body.map(
        (r: { name: string }) => r.name,
      )
    expect(await names(token)).toContain(NAMES.ada)
    const forgot = await server.fetch(
      new Request(`${BASE}/subjects/ada/forget`, { method: 'POST', headers: as('root') }),
    )
    const { token: after } = (await forgot.json()) as { token: string }
    await vi.waitFor(async () => expect(await names(after)).not.toContain(NAMES.ada), {
      timeout: 15_000,
      interval: 50,
    })
    expect((await names(after)).sort()).toEqual(['(erased)', '(erased)', NAMES.bob])
  })
})
