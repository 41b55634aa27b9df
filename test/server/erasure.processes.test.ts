import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  createEventServer,
  type EventServer,
  postgresStorage,
  type Storage,
  sqliteStorage,
} from '@strata/state/server'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { boardSnapshot, NAMES, personal, scrubBoard } from './erasureFixtures'
import { BASE, batch, events, get, postOk } from './helpers'
import { postgresForProcesses, type ServerProcess, startServerProcess } from './processes'
import { as, authorize } from './suite.server.setup'

const FIXTURE = fileURLToPath(new URL('./fixtures/snapshotProcess.ts', import.meta.url))

const card = (seq: number, authorId: 'ada' | 'bob') =>
  events('c1', seq, 1, {
    type: 'card/added',
    stream: 'cards',
    payload: { authorId, author: NAMES[authorId], title: `card ${seq}` },
  })

interface Shared {
  /** This process's store on the shared database. */
  open(): Promise<Storage>
  /** Environment for the other process's store on it. */
  env: Record<string, string>
  /** Every stored checkpoint, as text. */
  checkpoints(): Promise<string[]>
}

async function snapshotAt(server: EventServer, position: string) {
  for (let i = 0; i < 300; i++) {
    const served = await get(server, '/snapshots/board', as('bob'))
    if (served.body?.position === position) return served.body
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`the snapshot never reached ${position}`)
}

/**
 * Server B (another process) has folded Ada's card into its snapshot state in memory and is
 * about to save it when server A forgets her: B's save must be refused, and B start again from
 * what A's forget left. Without the check, B wrote the state kept at 4 with her name after the
 * forget had deleted it.
 */
function secondProcess(name: string, make: () => Promise<Shared>, running: ServerProcess[]) {
  it.each([
    { hook: false, how: 'folded again' },
    { hook: true, how: 'scrubbed by its hook' },
  ])(
    `${name}: a snapshot ${'$how'} in one process is not written back with the fields by another`,
    async ({ hook }) => {
      const shared = await make()
      const storage = await shared.open()
      const snapshot = { ...boardSnapshot, keepEvery: 4, ...(hook && { forget: scrubBoard }) }
      const a = createEventServer({
        storage,
        authorize,
        personal,
        snapshots: [snapshot],
        onError: () => {},
      })
      try {
        const b = await startServerProcess(
          { ...shared.env, ...(hook && { STRATA_SNAPSHOT_HOOK: '1' }) },
          FIXTURE,
        )
        running.push(b)
        const holding = b.waitFor('HOLDING')
        // One commit, and B asked at once (A saves its latest state a second after): B's first
        // fold takes all four events from the first, and its first write is the state kept at 4.
        const cards = [...card(1, 'bob'), ...card(2, 'bob'), ...card(3, 'ada'), ...card(4, 'bob')]
        await postOk(a, batch('c1', cards), as('bob'))
        const asked = fetch(`${b.url}/snapshots/board`, {
          headers: { authorization: 'Bearer bob' },
        })
        await holding
        expect(JSON.stringify(await snapshotAt(a, 'v1:4'))).toContain(NAMES.ada)
        const forgot = await a.fetch(
          new Request(`${BASE}/subjects/ada/forget`, { method: 'POST', headers: as('root') }),
        )
        expect(forgot.status).toBe(200)
        const after = await snapshotAt(a, 'v1:5')
        expect(JSON.stringify(after)).not.toContain(NAMES.ada)
        expect((await shared.checkpoints()).join('\n')).not.toContain(NAMES.ada)
        // B's write goes on now, its state folded with Ada's name before the forget.
        const done = b.waitFor('DONE')
        b.release()
        await done
        expect((await shared.checkpoints()).join('\n')).not.toContain(NAMES.ada)
        await (await asked).arrayBuffer()
        // B serves the state A's forget left, and holds no name either once caught up.
        let served = ''
        for (let i = 0; i < 300 && !served.includes('"v1:5"'); i++) {
          const response = await fetch(`${b.url}/snapshots/board`, {
            headers: { authorization: 'Bearer bob' },
          })
          served = await response.text()
          if (!served.includes('"v1:5"')) await new Promise((r) => setTimeout(r, 20))
        }
        expect(served).toContain('"v1:5"')
        expect(served).toContain(NAMES.bob)
        expect(served).not.toContain(NAMES.ada)
        expect((await shared.checkpoints()).join('\n')).not.toContain(NAMES.ada)
        await b.kill()
      } finally {
        await a.close()
        await storage.close()
      }
    },
    60_000,
  )
}

describe('erasure with two server processes on one store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-erase-processes-'))
  const sqliteRunning: ServerProcess[] = []
  afterAll(async () => {
    await Promise.all(sqliteRunning.map((p) => p.kill()))
    rmSync(dir, { recursive: true, force: true })
  })
  let n = 0
  secondProcess(
    'SQLite',
    async () => {
      const path = join(dir, `events-${n++}.db`)
      return {
        open: async () => sqliteStorage(path),
        env: { STRATA_DB: path },
        checkpoints: async () => {
          const db = new Database(path, { readonly: true, fileMustExist: true })
          try {
            return db
              .prepare('SELECT name, state FROM strata_checkpoints')
              .all()
              .map((r) => JSON.stringify(r))
          } finally {
            db.close()
          }
        },
      }
    },
    sqliteRunning,
  )

  describe('PostgreSQL', () => {
    const { postgres, running } = postgresForProcesses()
    secondProcess(
      'PostgreSQL',
      async () => {
        const pool = postgres().pool(5)
        const schema = postgres().schema()
        return {
          open: () => postgresStorage(pool, { schema }),
          env: { STRATA_PG_URL: postgres().url, STRATA_SCHEMA: schema },
          checkpoints: async () =>
            (await pool.query(`SELECT name, state::text FROM ${schema}.checkpoints`)).rows.map(
              (r) => JSON.stringify(r),
            ),
        }
      },
      running,
    )
  })
})
