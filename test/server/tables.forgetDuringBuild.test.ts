import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  isErased,
  postgresStorage,
  reportProjections,
  requestRebuild,
  type Storage,
  serve,
  sqliteStorage,
  tableProjection,
} from '@strata/state/server'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { personal } from './erasureFixtures'
import { batch, events } from './helpers'
import { startPostgres, type TestPostgres } from './pg'
import { as, authorize } from './suite.server.setup'

/**
 * A forget while a table projection is built into a new generation (a new version, or a rebuild
 * of the live one) reaches the live generation at once too, not when the new one goes live (over
 * real HTTP, SQLite and PostgreSQL). The build is kept long by its `apply` (a pause an event, one
 * event a batch, 200 events of another tenant): a gate inside `apply` would hold the write lock
 * the forget needs.
 */
const dir = mkdtempSync(join(tmpdir(), 'strata-forget-build-'))
let postgres: TestPostgres | undefined
let pool: ReturnType<TestPostgres['pool']> | undefined
beforeAll(async () => {
  postgres = await startPostgres()
  pool = postgres.pool(10)
}, 60_000)
afterAll(async () => {
  await pool?.end()
  await postgres?.stop()
  rmSync(dir, { recursive: true, force: true })
})
const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close()
})
const backends = [
  { name: 'SQLite', open: async () => sqliteStorage(join(dir, `${crypto.randomUUID()}.db`)) },
  { name: 'PostgreSQL', open: () => postgresStorage(pool!, { schema: postgres!.schema() }) },
]

const ADA = 'Ada Lovelace'
const shown = (v: unknown) => (isErased(v) ? '(erased)' : v === undefined ? null : String(v))
/** Events applied while `slow` is set pause first: the build in the background takes seconds. */
let slow = false
const notes = (version: number, mode: 'inline' | 'async', scope: 'tenant' | 'all' = 'tenant') =>
  tableProjection({
    name: 'notes',
    version,
    mode,
    scope,
    batchSize: 1,
    types: ['added', 'card/added'],
    tables: { notes: 'id TEXT NOT NULL, author TEXT, PRIMARY KEY (id)' },
    apply: async (event, db) => {
      if (slow && event.tenant === 'evil') await new Promise((r) => setTimeout(r, 30))
      const payload = event.payload as { author?: unknown }
      await db.run('INSERT INTO {notes} (id, author) VALUES (?, ?)', [
        event.id,
        shown(payload.author),
      ])
    },
    read: (db) => db.all('SELECT id, author FROM {notes} ORDER BY id'),
  })

async function start(storage: Storage, projection: ReturnType<typeof notes>) {
  const running = await serve({
    port: 0,
    storage,
    authorize,
    personal,
    projections: [projection],
    tables: { pollMs: 20 },
    limits: { viewWaitMs: 10_000 },
    onError: (e) => process.env.DEBUG_TABLES && console.error(e),
  })
  closing.push(() => running.close())
  const { url } = running
  const write = async (user: string, clientId: string, list: unknown[]) => {
    const response = await fetch(`${url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...as(user) },
      body: JSON.stringify(batch(clientId, list)),
    })
    expect(response.status).toBe(200)
    return ((await response.json()) as { token: string }).token
  }
  const view = async (user: string, token?: string) => {
    const response = await fetch(`${url}/views/notes`, {
      headers: { ...as(user), ...(token ? { 'X-Min-Position': token } : {}) },
    })
    return { status: response.status, text: await response.text() }
  }
  const forget = async () => {
    const response = await fetch(`${url}/subjects/ada/forget`, {
      method: 'POST',
      headers: as('root'),
    })
    expect(response.status).toBe(200)
    return ((await response.json()) as { token: string }).token
  }
  return { running, write, view, forget }
}

/** Every row of a generation's tables, of every tenant, as stored. */
async function rowsOf(storage: Storage, generation: number) {
  const gen = (await reportProjections(storage)).find((g) => g.generation === generation)!
  return storage.tables!.read(async (db) => {
    const out: unknown[] = []
    for (const table of gen.tables) out.push(...(await db.all(`SELECT * FROM ${table}`)))
    return JSON.stringify(out)
  })
}

const card = (clientId: string, seq: number, authorId: string, author: string) =>
  events(clientId, seq, 1, { type: 'card/added', stream: 'cards', payload: { authorId, author } })

async function seed(server: Awaited<ReturnType<typeof start>>) {
  const acme = await server.write('alice', 'a', [
    ...card('a', 1, 'ada', ADA),
    ...card('a', 2, 'bob', 'Bob'),
  ])
  // Another tenant's history: what the new generation spends its time on.
  for (let i = 0; i < 4; i++) await server.write('eve', 'e', events('e', i * 50 + 1, 50))
  return acme
}

describe.each(backends)('a forget during a table projection build, on $name', ({ open }) => {
  it('a new version being built: the tenant’s rows in the old live generation go at once', async () => {
    slow = false
    const storage = await open()
    closing.push(() => storage.close())
    const old = await start(storage, notes(1, 'inline'))
    const acme = await seed(old)
    expect((await old.view('alice', acme)).text).toContain(ADA)
    await old.running.close()
    // The new release: version 2 is built beside version 1, which stays live meanwhile.
    slow = true
    const server = await start(storage, notes(2, 'inline'))
    try {
      await server.forget()
      const report = await reportProjections(storage)
      expect(report.map((g) => [g.generation, g.status])).toEqual([
        [1, 'live'],
        [2, 'building'],
      ])
      // Version 1's rows, as stored: none of acme's holds her name (before: until v2 went live).
      const live = await rowsOf(storage, 1)
      expect(live).not.toContain(ADA)
      expect(live).toContain('e-200')
      const during = await server.view('alice')
      expect(during.text).not.toContain(ADA)
    } finally {
      slow = false
    }
  }, 60_000)

  it('a rebuild of the live version: the tenant’s rows there are rebuilt at once, read before the build goes live', async () => {
    slow = false
    const storage = await open()
    closing.push(() => storage.close())
    const server = await start(storage, notes(1, 'inline'))
    const acme = await seed(server)
    expect((await server.view('alice', acme)).text).toContain(ADA)
    slow = true
    try {
      await requestRebuild(storage, 'notes')
      const token = await server.forget()
      // Read with the forget's token: acme's rows in the live generation, rebuilt erased.
      const read = await server.view('alice', token)
      expect(read.status, read.text).toBe(200)
      expect(JSON.parse(read.text)).toEqual([
        { id: 'a-1', author: '(erased)' },
        { id: 'a-2', author: 'Bob' },
      ])
      // ...while generation 2 is still being built (before: the read waited for it to go live).
      const report = await reportProjections(storage)
      expect(report.find((g) => g.generation === 2)?.status).toBe('building')
      expect(await rowsOf(storage, 1)).not.toContain(ADA)
    } finally {
      slow = false
    }
  }, 60_000)

  it('over all tenants without a hook: the build under way starts again, and goes live without her name', async () => {
    slow = false
    const storage = await open()
    closing.push(() => storage.close())
    const server = await start(storage, notes(1, 'inline', 'all'))
    await seed(server)
    slow = true
    try {
      await requestRebuild(storage, 'notes')
      // Wait until the build has applied her events (the first two), then forget her.
      const built = async () => (await reportProjections(storage)).find((g) => g.generation === 2)
      for (let i = 0; i < 500 && ((await built())?.position ?? 0) < 3; i++)
        await new Promise((r) => setTimeout(r, 10))
      expect((await built())?.position).toBeGreaterThanOrEqual(3)
      await server.forget()
      slow = false
      for (let i = 0; i < 1000 && (await built())?.status !== 'live'; i++)
        await new Promise((r) => setTimeout(r, 20))
      expect((await built())?.status).toBe('live')
      // Before: the build went on from where it was, and went live with her name in its rows.
      const rows = await rowsOf(storage, 2)
      expect(rows).not.toContain(ADA)
      expect(rows).toContain('(erased)')
    } finally {
      slow = false
    }
  }, 60_000)
})
