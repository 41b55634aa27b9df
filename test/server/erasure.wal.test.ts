import { createEventServer, postgresStorage } from '@strata/state/server'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
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

const SECRETS = [NAMES.ada, EMAIL, 'Lovelace']

describe('PostgreSQL: after forgetSubject, the data directory and its WAL', () => {
  let postgres: TestPostgres
  beforeAll(async () => {
    postgres = await startPostgres()
  }, 60_000)
  afterAll(() => postgres?.stop())

  const keyOf = async (pool: ReturnType<TestPostgres['pool']>, schema: string, subject: string) =>
    (await pool.query(`SELECT key FROM ${schema}.subject_keys WHERE subject = $1`, [subject]))
      .rows[0].key as Buffer
  const walRecycle = async (pool: ReturnType<TestPostgres['pool']>, on: boolean) => {
    await pool.query(`ALTER SYSTEM SET wal_recycle = ${on ? 'on' : 'off'}`)
    await pool.query('SELECT pg_reload_conf()')
  }
  /** Where in the data directory each of `needles` is, by path under it. */
  const search = <K extends string>(needles: Record<K, Buffer>): Record<K, string[]> => {
    const files = filesUnder(postgres.dataDir!)
    return Object.fromEntries(
      Object.entries<Buffer>(needles).map(([name, bytes]) => [
        name,
        holding(files, bytes).map((p) => p.slice(postgres.dataDir!.length + 1)),
      ]),
    ) as Record<K, string[]>
  }

  it('hold no byte of the fields, nor the key, with wal_recycle off; with it on, pg_wal keeps them', async () => {
    if (!postgres.dataDir) throw new Error('this test needs the embedded cluster (its files)')
    const pool = postgres.pool(5)
    const schema = postgres.schema()
    const storage = await postgresStorage(pool, { schema })
    const server = createEventServer({
      storage,
      authorize,
      personal,
      projections: [authors, inlineAuthors],
      snapshots: [{ ...boardSnapshot, keepEvery: 2 }],
      onError: () => {},
    })
    const forget = async (subject: string) => {
      const response = await server.fetch(
        new Request(`${BASE}/subjects/${subject}/forget`, { method: 'POST', headers: as('root') }),
      )
      return { ...as('bob'), 'X-Min-Position': ((await response.json()) as any).token }
    }
    await walRecycle(pool, false)
    const { token } = await postOk(server, batch('c1', people('c1')), as('bob'))
    const wait = { ...as('bob'), 'X-Min-Position': token }
    expect((await get(server, '/views/authors', wait)).body.names).toContain(NAMES.ada)
    expect(JSON.stringify((await get(server, '/snapshots/board', as('bob'))).body)).toContain(
      NAMES.ada,
    )
    const adaKey = await keyOf(pool, schema, 'ada')
    expect(adaKey.length).toBe(32)
    expect((await get(server, '/views/authors', await forget('ada'))).body.names[0]).toBe(
      '(erased)',
    )
    // Tables, WAL, everything: nothing of Ada's fields or key. Bob's name is found (in derived
    // states), so the search does find what is there.
    const needles = Object.fromEntries(SECRETS.map((s) => [s, Buffer.from(s)]))
    expect(search({ ...needles, key: adaKey })).toEqual({
      [NAMES.ada]: [],
      [EMAIL]: [],
      Lovelace: [],
      key: [],
    })
    expect(search({ bob: Buffer.from(NAMES.bob) }).bob.length).toBeGreaterThan(0)

    // PostgreSQL's default renames old segments for reuse: a subject forgotten then stays in
    // pg_wal (only there) until its segment is written over, and the server says so.
    await walRecycle(pool, true)
    const cyd = 'Cydonia Quill-Marchbanks'
    const card = {
      type: 'card/added',
      stream: 'cards',
      payload: { authorId: 'cyd', author: cyd, title: 'x' },
    }
    await postOk(server, batch('c2', [{ clientSeq: 1, id: 'cyd-1', at: 1, ...card }]), as('bob'))
    const cydKey = await keyOf(pool, schema, 'cyd')
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      await get(server, '/views/authors', await forget('cyd'))
      expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(
        expect.stringContaining('wal_recycle is on'),
      )
    } finally {
      warn.mockRestore()
    }
    const left = search({ name: Buffer.from(cyd), key: cydKey })
    expect(left.key.length).toBeGreaterThan(0)
    for (const path of [...left.name, ...left.key]) expect(path).toMatch(/^pg_wal\//)
    await walRecycle(pool, false)
    await server.close()
    await storage.close()
  })
})
