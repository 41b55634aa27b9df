import {
  createEventServer,
  type EventServerOptions,
  reportProjections,
  requestRebuild,
  type Storage,
  type TableProjectionOptions,
  tableProjection,
} from '@strata/state/server'
import { afterEach, describe, expect, it } from 'vitest'
import { batch, events, get, post, postOk, readAll } from './helpers'
import type { StorageFactory } from './suite'
import { as, authorize } from './suite.server.setup'

/** Cards: one row per `added` event, removed by `removed`; the view lists those from `?min=`. */
export const cardsProjection = (options: Partial<TableProjectionOptions> = {}) =>
  tableProjection({
    name: 'cards',
    version: 1,
    tables: { cards: 'id TEXT NOT NULL, title TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (id)' },
    indexes: { cards: ['n'] },
    apply: async (event, db) => {
      const payload = event.payload as { n: number; id?: string }
      if (event.type === 'added')
        await db.run('INSERT INTO {cards} (id, title, n) VALUES (?, ?, ?)', [
          event.id,
          `card ${payload.n}`,
          payload.n,
        ])
      if (event.type === 'removed') await db.run('DELETE FROM {cards} WHERE id = ?', [payload.id])
      if (event.type === 'renamed')
        await db.run('UPDATE {cards} SET title = ? WHERE id = ?', ['renamed', payload.id])
    },
    read: (db, { min }) =>
      db.all('SELECT id, title, n FROM {cards} WHERE n >= ? ORDER BY n, id', [Number(min ?? 0)]),
    ...options,
  })

const ids = (rows: { id: string }[]) => rows.map((r) => r.id)

/** Table projections: SQL read models, inline or async, per tenant, rebuilt beside the old. */
export function tableContract(factory: StorageFactory) {
  describe('table projections', () => {
    const cleanup: (() => Promise<void>)[] = []
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn()
    })
    const serverOn = (storage: Storage, options: Partial<EventServerOptions> = {}) => {
      const server = createEventServer({
        storage,
        onError: (e) => process.env.DEBUG_TABLES && console.error(e),
        ...options,
      })
      cleanup.push(() => server.close())
      return server
    }
    const store = async () => {
      const storage = await factory.make()
      cleanup.push(() => storage.close())
      return storage
    }

    it('inline: rows are written in the append, and a view with parameters reads them at once', async () => {
      const server = serverOn(await store(), { projections: [cardsProjection()] })
      const { token } = await postOk(server, batch('c1', events('c1', 1, 3)))
      const view = await get(server, '/views/cards?min=2', { 'X-Min-Position': token })
      expect(view.status).toBe(200)
      expect(view.headers.get('x-position')).toBe(token)
      expect(view.body).toEqual([
        { id: 'c1-2', title: 'card 2', n: 2 },
        { id: 'c1-3', title: 'card 3', n: 3 },
      ])
    })

    it('keeps each tenant to its own rows: writes, updates, deletes and views', async () => {
      const spy = cardsProjection({
        read: async (db, params) => {
          if (params.raw) return db.all(params.raw)
          return {
            rows: await db.all('SELECT id, title FROM {cards} c ORDER BY c.id'),
            count: (await db.get<{ n: number }>('SELECT count(*) AS n FROM {cards}'))!.n,
          }
        },
      })
      const storage = await store()
      const server = serverOn(storage, { authorize, projections: [spy] })
      await postOk(server, batch('c1', events('c1', 1, 2)), as('alice'))
      // Eve's events have the same ids; she removes and renames "c1-1" in her tenant only.
      const eve = await postOk(
        server,
        batch('c1', [
          ...events('c1', 1, 3),
          { ...events('c1', 4, 1)[0]!, type: 'removed', payload: { id: 'c1-1' } },
          { ...events('c1', 5, 1)[0]!, type: 'renamed', payload: { id: 'c1-2' } },
        ]),
        as('eve'),
      )
      const alice = await get(server, '/views/cards', as('alice'))
      expect(alice.body).toEqual({
        rows: [
          { id: 'c1-1', title: 'card 1' },
          { id: 'c1-2', title: 'card 2' },
        ],
        count: 2,
      })
      const mine = await get(server, '/views/cards', { ...as('eve'), 'X-Min-Position': eve.token })
      expect(mine.body).toEqual({
        rows: [
          { id: 'c1-2', title: 'renamed' },
          { id: 'c1-3', title: 'card 3' },
        ],
        count: 2,
      })
      // Naming the real table, or writing, is refused: a view reads its tenant's rows only.
      // The store's own tables (every tenant's events) are refused too.
      const schema = storage.tables!.dialect.prefix.split('.', 1)[0]
      const allEvents = storage.kind === 'postgres' ? `${schema}.events` : 'strata_events'
      for (const raw of [
        'SELECT * FROM strata_tp_cards_g1_cards',
        'DELETE FROM {cards}',
        `SELECT count(*) AS n FROM ${allEvents}`,
      ]) {
        const attempt = await get(server, `/views/cards?raw=${encodeURIComponent(raw)}`, as('eve'))
        expect(attempt.status).toBe(500)
      }
      expect((await get(server, '/views/cards', as('alice'))).body.count).toBe(2)
    })

    it('answers 503 while its tables cannot be set up (database down), and sets them up on the next request', async () => {
      const storage = await store()
      const tables = storage.tables!
      let down = true
      const flaky: Storage = {
        ...storage,
        tables: {
          ...tables,
          write: (fn) => (down ? Promise.reject(new Error('database down')) : tables.write(fn)),
        },
      }
      const server = serverOn(flaky, { projections: [cardsProjection()] })
      expect((await post(server, batch('c1', events('c1', 1, 1)))).status).toBe(503)
      down = false
      const { token } = await postOk(server, batch('c1', events('c1', 1, 1)))
      expect(ids((await get(server, '/views/cards', { 'X-Min-Position': token })).body)).toEqual([
        'c1-1',
      ])
    })

    it('refuses the append when an inline apply throws, naming the projection and the event', async () => {
      const broken = cardsProjection({
        apply: async (event, db) => {
          if ((event.payload as { n: number }).n === 2) throw new Error('no second card')
          await db.run('INSERT INTO {cards} (id, title, n) VALUES (?, ?, ?)', [event.id, 't', 1])
        },
      })
      const server = serverOn(await store(), { projections: [broken] })
      const refused = await post(server, batch('c1', events('c1', 1, 3)))
      expect(refused.status).toBe(500)
      expect(refused.body.error.details).toEqual({
        projection: 'cards',
        event: { id: 'c1-2', type: 'added', position: 2 },
      })
      expect(refused.body.error.message).toMatch(/"cards" failed on event 2 .*no second card/)
      // Nothing of the batch was stored, rows included; the client can go on without it.
      expect((await readAll(server)).events).toEqual([])
      const { token } = await postOk(server, batch('c1', events('c1', 1, 1)))
      expect(ids((await get(server, '/views/cards', { 'X-Min-Position': token })).body)).toEqual([
        'c1-1',
      ])
    })

    it('async: a throwing apply stops at its event, keeps answering, reports it, and resumes with fixed code', async () => {
      const storage = await store()
      let broken = true
      const flaky = cardsProjection({
        mode: 'async',
        apply: async (event, db) => {
          const { n } = event.payload as { n: number }
          if (broken && n === 3) throw new Error('card 3 is cursed')
          await db.run('INSERT INTO {cards} (id, title, n) VALUES (?, ?, ?)', [event.id, 't', n])
        },
      })
      const options = {
        projections: [flaky],
        limits: { viewWaitMs: 300 },
        tables: { retryMs: 60_000 },
      }
      const first = serverOn(storage, options)
      const { results, token } = await postOk(first, batch('c1', events('c1', 1, 5)))
      const two = results[1]!.position!
      expect(ids((await get(first, '/views/cards', { 'X-Min-Position': two })).body)).toEqual([
        'c1-1',
        'c1-2',
      ])
      expect((await get(first, '/views/cards', { 'X-Min-Position': token })).status).toBe(503)
      const status = await get(first, '/views/cards/status')
      expect(status.body).toMatchObject({
        name: 'cards',
        liveVersion: 1,
        caughtUp: false,
        error: { message: 'card 3 is cursed', event: { id: 'c1-3', type: 'added', position: 3 } },
      })
      await first.close()
      broken = false
      const fixed = serverOn(storage, options)
      const all = await get(fixed, '/views/cards', { 'X-Min-Position': token })
      expect(ids(all.body)).toEqual(['c1-1', 'c1-2', 'c1-3', 'c1-4', 'c1-5'])
      expect((await get(fixed, '/views/cards/status')).body).toMatchObject({
        caughtUp: true,
        error: null,
      })
    })

    it('builds a new version beside the old one, which answers meanwhile; then reads switch and the old tables go', async () => {
      const storage = await store()
      const v1 = serverOn(storage, { projections: [cardsProjection()] })
      const { token } = await postOk(v1, batch('c1', events('c1', 1, 3)))
      await v1.close()
      let open!: () => void
      const gate = new Promise<void>((resolve) => {
        open = resolve
      })
      const v2 = serverOn(storage, {
        projections: [
          cardsProjection({
            version: 2,
            apply: async (event, db) => {
              await gate
              const { n } = event.payload as { n: number }
              await db.run('INSERT INTO {cards} (id, title, n) VALUES (?, ?, ?)', [
                event.id,
                `v2 card ${n}`,
                n,
              ])
            },
          }),
        ],
      })
      const during = await get(v2, '/views/cards', { 'X-Min-Position': token })
      expect(during.body.map((r: { title: string }) => r.title)).toEqual([
        'card 1',
        'card 2',
        'card 3',
      ])
      expect((await get(v2, '/views/cards/status')).body).toMatchObject({
        liveVersion: 1,
        buildingVersion: 2,
      })
      open()
      for (;;) {
        const view = await get(v2, '/views/cards', { 'X-Min-Position': token })
        if (view.body[0].title.startsWith('v2')) break
      }
      // The old generation's tables are dropped right after the switch, in a transaction of their own.
      const tables = storage.tables!
      const generations = () =>
        tables.read((db) =>
          db.all(`SELECT generation, version, status FROM ${tables.dialect.meta}`),
        )
      while ((await generations()).length > 1) await new Promise((r) => setTimeout(r, 10))
      expect(await generations()).toEqual([{ generation: 2, version: 2, status: 'live' }])
      await expect(
        tables.read((db) => db.all(`SELECT 1 FROM ${tables.dialect.prefix}cards_g1_cards`)),
      ).rejects.toThrow()
      // A server still running version 1 (a rolling deploy) takes appends but answers no view;
      // version 2's server applies its events.
      const old = serverOn(storage, { projections: [cardsProjection()] })
      const stale = await get(old, '/views/cards')
      expect([stale.status, stale.body.error.message]).toEqual([
        503,
        expect.stringMatching(/newer version live than this server's code \(version 1\)/),
      ])
      const late = await postOk(old, batch('c2', events('c2', 1, 1)))
      const after = await get(v2, '/views/cards', { 'X-Min-Position': late.token })
      expect(after.body.map((r: { title: string }) => r.title)).toContain('v2 card 1')
      expect(after.body).toHaveLength(4)
    })

    it('rebuilds on request (strata-server projections rebuild) while the live tables answer', async () => {
      const storage = await store()
      const server = serverOn(storage, { projections: [cardsProjection()], tables: { pollMs: 20 } })
      const { token } = await postOk(server, batch('c1', events('c1', 1, 3)))
      expect(await requestRebuild(storage, 'cards')).toMatchObject({
        generation: 2,
        version: 1,
        status: 'building',
      })
      const view = async (token: string) =>
        ids((await get(server, '/views/cards', { 'X-Min-Position': token })).body)
      expect(await view(token)).toEqual(['c1-1', 'c1-2', 'c1-3'])
      const rebuilt = async () => {
        const report = await reportProjections(storage)
        return report.length === 1 && report[0]!.generation === 2
      }
      while (!(await rebuilt())) await new Promise((r) => setTimeout(r, 10))
      const more = await postOk(server, batch('c1', events('c1', 4, 1)))
      expect(await view(more.token)).toEqual(['c1-1', 'c1-2', 'c1-3', 'c1-4'])
      expect(await reportProjections(storage)).toEqual([
        expect.objectContaining({ name: 'cards', version: 1, status: 'live', lag: 0, error: null }),
      ])
      await expect(requestRebuild(storage, 'nope')).rejects.toThrow(
        /No table projection named "nope"; this store has cards/,
      )
    })

    it('applies personal fields opened, inline and async, as JSON projections fold them', async () => {
      const storage = await store()
      const titled = (mode: 'inline' | 'async', name: string) =>
        cardsProjection({
          name,
          mode,
          apply: async (event, db) => {
            const { n, secret } = event.payload as { n: number; secret: string }
            await db.run('INSERT INTO {cards} (id, title, n) VALUES (?, ?, ?)', [
              event.id,
              secret,
              n,
            ])
          },
        })
      const server = serverOn(storage, {
        personal: { added: { subject: () => 'ada', fields: ['secret'] } },
        projections: [titled('inline', 'inline_cards'), titled('async', 'async_cards')],
      })
      const { token } = await postOk(
        server,
        batch('c1', events('c1', 1, 1, { payload: { n: 1, secret: 'Lovelace' } })),
      )
      expect(JSON.stringify((await storage.read({ after: 0, limit: 1 })).events)).not.toContain(
        'Lovelace',
      )
      for (const name of ['inline_cards', 'async_cards']) {
        const view = await get(server, `/views/${name}`, { 'X-Min-Position': token })
        expect(view.body.map((r: { title: string }) => r.title)).toEqual(['Lovelace'])
      }
    })

    if (factory.reopen)
      it('two servers on one store apply each event exactly once, and each reads the other’s writes', async () => {
        const storage = await store()
        const other = await factory.reopen!(storage)
        cleanup.push(() => other.close())
        let applies = 0
        const counted = (mode: 'inline' | 'async') =>
          cardsProjection({
            mode,
            apply: async (event, db) => {
              applies++
              const { n } = event.payload as { n: number }
              await db.run('INSERT INTO {cards} (id, title, n) VALUES (?, ?, ?)', [
                event.id,
                't',
                n,
              ])
            },
          })
        for (const mode of ['async', 'inline'] as const) {
          applies = 0
          const projection = counted(mode)
          const servers = [serverOn(storage, { projections: [projection] })]
          servers.push(serverOn(other, { projections: [projection] }))
          let token = ''
          for (let i = 0; i < 20; i++) {
            const client = `${mode}${i % 2}`
            const seq = Math.floor(i / 2) * 2 + 1
            token = (await postOk(servers[i % 2]!, batch(client, events(client, seq, 2)))).token
            // Read-your-writes on the other server.
            const view = await get(servers[(i + 1) % 2]!, '/views/cards', {
              'X-Min-Position': token,
            })
            expect(view.status, JSON.stringify(view.body)).toBe(200)
            expect(view.body.filter((r: { id: string }) => r.id.startsWith(mode))).toHaveLength(
              2 * (i + 1),
            )
          }
          expect(applies).toBe(40)
          for (const server of servers) await server.close()
        }
      }, 30_000)
  })
}

/** Memory storage has no SQL: a table projection is refused at once, saying what to use. */
export function tablesNeedSql(factory: StorageFactory) {
  it('refuses a table projection on storage without SQL, saying what to use', async () => {
    const storage = await factory.make()
    expect(() => createEventServer({ storage, projections: [cardsProjection()] })).toThrow(
      /table projection "cards" needs SQL storage: sqliteStorage \(':memory:' in tests\) or postgresStorage/,
    )
    await storage.close()
  })
}
