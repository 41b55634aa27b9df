// A forget whose steps after the commit failed is finished by the next forget of the subject, in
// this server or one started again: its table projections lose the fields then, once (over real
// HTTP, SQLite and PostgreSQL).
import { isErased, type SqlDb, type Storage, tableProjection } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import type { TableTx } from '../../src/server/tables/storage'
import { as, attackStores, forget, start, withAdmins } from './attack'
import { NAMES, people, personal } from './erasureFixtures'
import { batch } from './helpers'

/**
 * The store, the first statement of a forget's table scrub refused while `failing` is set (a
 * disk full, a lost connection): a step after the forget's commit fails. SQLite's table writes
 * are appends; PostgreSQL's have their own transactions.
 */
function flaky(base: Storage) {
  const state = { failing: false }
  // Every generation of every projection, locked: clearFailures, the scrub's first look.
  const scrubbing = /^SELECT \* FROM \S*table_projections ORDER BY/
  const guard = (tx: TableTx): TableTx => {
    const refused = (sql: string) => state.failing && scrubbing.test(sql)
    const disk = () => Promise.reject(new Error('the disk is full'))
    const db: SqlDb = {
      run: (sql, params) => (refused(sql) ? disk() : tx.db.run(sql, params)),
      all: (sql, params) => (refused(sql) ? disk() : tx.db.all(sql, params)),
      get: (sql, params) => (refused(sql) ? disk() : tx.db.get(sql, params)),
    }
    return { ...tx, db }
  }
  const storage: Storage = {
    ...base,
    kind: base.kind,
    append: (fn) => base.append((tx) => fn(tx.tables ? { ...tx, tables: guard(tx.tables) } : tx)),
    tables: {
      ...base.tables!,
      write: (fn) => base.tables!.write((tx) => fn(guard(tx))),
    },
  }
  return { storage, state }
}

const hooked = { calls: 0 }
const authors = (hook: boolean) =>
  tableProjection({
    name: 'authors',
    version: 1,
    tables: { rows: 'id TEXT NOT NULL, author TEXT, author_id TEXT, PRIMARY KEY (id)' },
    types: ['card/added'],
    apply: async (event, db) => {
      const p = event.payload as { author: unknown; authorId: string }
      await db.run('INSERT INTO {rows} (id, author, author_id) VALUES (?, ?, ?)', [
        event.id,
        isErased(p.author) ? '(erased)' : String(p.author),
        p.authorId,
      ])
    },
    read: (db) => db.all('SELECT id, author FROM {rows} ORDER BY id'),
    ...(hook
      ? {
          forget: async (db, { subject }) => {
            hooked.calls++
            await db.run("UPDATE {rows} SET author = '(erased)' WHERE author_id = ?", [subject])
          },
        }
      : {}),
  })

const stores = attackStores().filter(([, sql]) => sql)

describe.each(stores)('a forget tried again on %s', (_name, _sql, make) => {
  it.each([
    ['with a forget hook', true],
    ['without one (the tenant rebuilt)', false],
  ])(
    'finishes the table scrub that failed after the commit (%s), after a restart too, and only once',
    async (_, hook) => {
      const { storage, state } = flaky(await make())
      const serve = () =>
        start({
          storage,
          authorize: withAdmins,
          personal,
          projections: [authors(hook)],
          tables: { pollMs: 20 },
          limits: { viewWaitMs: 10_000 },
        })
      let server = await serve()
      const { body } = await as(server.url, 'bob@acme').post(batch('c1', people('c1')))
      const view = (token: string) =>
        as(server.url, 'bob@acme').get('/views/authors', { 'X-Min-Position': token })
      expect(JSON.stringify((await view(body.token)).body)).toContain(NAMES.ada)
      state.failing = true
      const failed = await forget(server.url, 'ada', 'root@acme')
      state.failing = false
      expect(failed.status).toBe(503)
      expect(JSON.stringify(failed.body)).toContain('is forgotten (its key is deleted')
      // The rows still hold her name: the scrub never ran.
      const held = await view(failed.body.error.details.token)
      expect(held.status === 503 || JSON.stringify(held.body).includes(NAMES.ada)).toBe(true)
      // Another server on the store (a restart): the repeat deletes no key, and finishes it.
      await server.close()
      server = await serve()
      hooked.calls = 0
      const again = await forget(server.url, 'ada', 'root@acme')
      expect(again.status).toBe(200)
      const scrubbed = await view(again.body.token)
      expect(scrubbed.status).toBe(200)
      expect(scrubbed.body.map((r: { author: string }) => r.author).sort()).toEqual([
        '(erased)',
        NAMES.bob,
      ])
      expect(hooked.calls).toBe(hook ? 1 : 0)
      // Done now: a third forget scrubs nothing more (no loop of scrubs or rebuilds).
      expect((await forget(server.url, 'ada', 'root@acme')).status).toBe(200)
      expect(hooked.calls).toBe(hook ? 1 : 0)
      const status = await as(server.url, 'root@acme').get('/views/authors/status')
      expect(status.body).toMatchObject({ buildingVersion: null })
    },
  )
})
