import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  isErased,
  postgresStorage,
  type RunningServer,
  reportProjections,
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
 * Tenants of a table projection per tenant do not see each other (over real HTTP, on SQLite and
 * PostgreSQL): one tenant's event that its `apply` throws on stops that tenant only, and a
 * forget in one tenant rebuilds that tenant's rows only, with nothing of it in another's status.
 */
const dir = mkdtempSync(join(tmpdir(), 'strata-tables-tenants-'))
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

/** A fresh store of each backend, closed after the test (a restart keeps it: a server goes). */
const backends = [
  { name: 'SQLite', open: async () => sqliteStorage(join(dir, `${crypto.randomUUID()}.db`)) },
  { name: 'PostgreSQL', open: () => postgresStorage(pool!, { schema: postgres!.schema() }) },
]
async function store(open: () => Promise<Storage>) {
  const storage = await open()
  closing.push(() => storage.close())
  return storage
}

let poisoned = true
/**
 * While set, pauses the apply of event `id` (a rebuild caught in the middle: one event a batch,
 * so the batches before it have committed).
 */
let gate: { id: string; reached: () => void; open: Promise<void> } | undefined

const shown = (v: unknown) => (isErased(v) ? '(erased)' : v === undefined ? null : String(v))

const notes = (mode: 'inline' | 'async') =>
  tableProjection({
    name: 'notes',
    version: 1,
    mode,
    tables: { notes: 'id TEXT NOT NULL, author TEXT, PRIMARY KEY (id)' },
    types: ['added', 'card/added', 'note/poisoned'],
    batchSize: 1,
    apply: async (event, db) => {
      const payload = event.payload as { poison?: boolean; author?: unknown }
      if (payload.poison && poisoned) throw new Error(`poisoned by ${event.id}`)
      if (gate?.id === event.id) {
        gate.reached()
        await gate.open
      }
      await db.run('INSERT INTO {notes} (id, author) VALUES (?, ?)', [
        event.id,
        shown(payload.author),
      ])
    },
    read: (db) => db.all('SELECT id, author FROM {notes} ORDER BY id'),
  })

async function start(storage: Storage, mode: 'inline' | 'async') {
  const running = await serve({
    port: 0,
    storage,
    authorize,
    personal,
    projections: [notes(mode)],
    // No retry while the test looks: a restart with fixed code tries again.
    tables: { pollMs: 20, retryMs: 600_000 },
    limits: { viewWaitMs: 300 },
    onError: (e) => process.env.DEBUG_TABLES && console.error(e),
  })
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await running.close()
  }
  closing.push(close)
  return { ...client(running), close, storage }
}

function client({ url }: RunningServer) {
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
  const ids = async (user: string, token: string) => {
    const { status, text } = await view(user, token)
    expect(status, text).toBe(200)
    return (JSON.parse(text) as { id: string }[]).map((r) => r.id)
  }
  const status = async (user: string) => {
    const response = await fetch(`${url}/views/notes/status`, { headers: as(user) })
    expect(response.status).toBe(200)
    return response.text()
  }
  const forget = (subject: string, admin = 'root') =>
    fetch(`${url}/subjects/${subject}/forget`, { method: 'POST', headers: as(admin) })
  return { write, view, ids, status, forget }
}

const plain = (clientId: string, from: number, count: number) => events(clientId, from, count)
const poison = (clientId: string, seq: number) =>
  events(clientId, seq, 1, { type: 'note/poisoned', payload: { poison: true } })

describe.each(backends)('table projections per tenant, over HTTP, on $name', ({ open }) => {
  it("one tenant's poison event stops that tenant only; the other keeps catching up; none is lost", async () => {
    poisoned = true
    const storage = await store(open)
    const first = await start(storage, 'async')
    // Acme (alice) and evil (eve) write; eve's second event is one `apply` throws on.
    await first.write('alice', 'a', plain('a', 1, 2))
    const eveOne = await first.write('eve', 'e', plain('e', 1, 1))
    const eveAll = await first.write('eve', 'e', [...poison('e', 2), ...plain('e', 3, 1)])
    const alice = await first.write('alice', 'a', plain('a', 3, 2))
    // Acme reads its own writes, past eve's event: waited for, and answered.
    expect(await first.ids('alice', alice)).toEqual(['a-1', 'a-2', 'a-3', 'a-4'])
    const aliceStatus = JSON.parse(await first.status('alice'))
    expect(aliceStatus).toMatchObject({ liveVersion: 1, caughtUp: true, error: null })
    // Eve's rows stand before its event: what came before is served, what came after is not.
    expect(await first.ids('eve', eveOne)).toEqual(['e-1'])
    expect((await first.view('eve', eveAll)).status).toBe(503)
    const eveStatus = await first.status('eve')
    expect(JSON.parse(eveStatus)).toMatchObject({
      caughtUp: false,
      error: {
        message: 'poisoned by e-2',
        event: { id: 'e-2', type: 'note/poisoned', position: 2 },
      },
    })
    expect(eveStatus).not.toMatch(/a-\d|acme|alice/)
    // The operator sees which tenant stopped where (strata-server projections).
    const [report] = await reportProjections(first.storage)
    expect(report).toMatchObject({ status: 'live', error: null })
    expect(report!.tenants).toEqual([
      {
        tenant: 'evil',
        kind: 'stopped',
        position: 1,
        error: expect.objectContaining({ id: 'e-2' }),
      },
    ])
    // Acme goes on writing and reading while eve stays stopped.
    const later = await first.write('alice', 'a', plain('a', 5, 1))
    expect(await first.ids('alice', later)).toEqual(['a-1', 'a-2', 'a-3', 'a-4', 'a-5'])
    expect((await first.view('eve', eveAll)).status).toBe(503)
    // Fixed code, restarted: eve's events from its stopped one on are applied, once each.
    await first.close()
    poisoned = false
    const fixed = await start(storage, 'async')
    expect(await fixed.ids('eve', eveAll)).toEqual(['e-1', 'e-2', 'e-3'])
    expect(await fixed.ids('alice', later)).toEqual(['a-1', 'a-2', 'a-3', 'a-4', 'a-5'])
    for (const user of ['alice', 'eve'])
      expect(JSON.parse(await fixed.status(user))).toMatchObject({ caughtUp: true, error: null })
  })

  it.each(['inline', 'async'] as const)(
    "a forget in one tenant (%s, no hook) rebuilds that tenant's rows only: another tenant's status is byte for byte the same before, during and after",
    async (mode) => {
      poisoned = false
      const server = await start(await store(open), mode)
      const ada = (seq: number) =>
        events('a', seq, 1, {
          type: 'card/added',
          stream: 'cards',
          payload: { authorId: 'ada', author: 'Ada Lovelace' },
        })
      const bob = (seq: number) =>
        events('a', seq, 1, {
          type: 'card/added',
          stream: 'cards',
          payload: { authorId: 'bob', author: 'Bob Tables' },
        })
      const evil = (seq: number) =>
        events('e', seq, 1, {
          type: 'card/added',
          stream: 'cards',
          payload: { authorId: 'ada', author: 'Eve Ada' },
        })
      const alice = await server.write('alice', 'a', [...ada(1), ...bob(2)])
      const eve = await server.write('eve', 'e', [...evil(1), ...plain('e', 2, 1)])
      expect(await server.ids('alice', alice)).toEqual(['a-1', 'a-2'])
      expect(await server.ids('eve', eve)).toEqual(['e-1', 'e-2'])
      const before = await server.status('eve')
      // The rebuild of acme's rows is held at its second event, Ada's erased name applied.
      let reached!: () => void
      const atGate = new Promise<void>((resolve) => {
        reached = resolve
      })
      let release!: () => void
      gate = { id: 'a-2', reached, open: new Promise<void>((resolve) => (release = resolve)) }
      try {
        const forgot = server.forget('ada')
        await atGate
        // Acme sees its own rebuild; evil sees nothing of it.
        expect(JSON.parse(await server.status('root'))).toMatchObject({ buildingVersion: 1 })
        expect(await server.status('eve')).toBe(before)
        // While acme's rows still hold the name, its reads wait for the swap (then 503), with a
        // token or without: none serves what is being forgotten.
        for (const token of [undefined, alice]) {
          const during = await server.view('alice', token)
          expect(during.status).toBe(503)
          expect(during.text).not.toContain('Ada Lovelace')
        }
        release()
        const { token } = (await (await forgot).json()) as { token: string }
        // The forget's token: the first read is the rebuilt rows (it waited for them).
        expect(JSON.parse((await server.view('alice', token)).text)).toEqual([
          { id: 'a-1', author: '(erased)' },
          { id: 'a-2', author: 'Bob Tables' },
        ])
        expect(JSON.parse(await server.status('root'))).toMatchObject({
          buildingVersion: null,
          caughtUp: true,
        })
      } finally {
        release?.()
        gate = undefined
      }
      expect(await server.status('eve')).toBe(before)
      // Evil's rows are its own still: its Ada is another tenant's subject.
      expect(JSON.parse((await server.view('eve', eve)).text)).toEqual([
        { id: 'e-1', author: 'Eve Ada' },
        { id: 'e-2', author: null },
      ])
    },
  )

  it("a forget in a tenant stopped at its event: that tenant's rows are applied again from its first event, erased", async () => {
    poisoned = true
    const server = await start(await store(open), 'async')
    const named = events('e', 1, 1, {
      type: 'card/added',
      stream: 'cards',
      payload: { authorId: 'ada', author: 'Eve Ada' },
    })
    const one = await server.write('eve', 'e', named)
    await server.write('eve', 'e', [...poison('e', 2), ...plain('e', 3, 1)])
    const alice = await server.write('alice', 'a', plain('a', 1, 1))
    expect(await server.ids('alice', alice)).toEqual(['a-1'])
    expect(JSON.parse((await server.view('eve', one)).text)).toEqual([
      { id: 'e-1', author: 'Eve Ada' },
    ])
    const aliceBefore = await server.status('alice')
    // Mallory, evil's admin, forgets evil's Ada while evil is stopped at its second event.
    expect((await server.forget('ada', 'mallory')).status).toBe(200)
    for (let i = 0; i < 200; i++) {
      if (!(await server.view('eve')).text.includes('Eve Ada')) break
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(JSON.parse((await server.view('eve')).text)).toEqual([{ id: 'e-1', author: '(erased)' }])
    // Applied again, it stops at the same event again, and says so to evil only.
    for (let i = 0; i < 200; i++) {
      if (JSON.parse(await server.status('eve')).error) break
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(JSON.parse(await server.status('eve'))).toMatchObject({
      caughtUp: false,
      error: { message: 'poisoned by e-2', event: { id: 'e-2' } },
    })
    expect(await server.status('alice')).toBe(aliceBefore)
  })
})
