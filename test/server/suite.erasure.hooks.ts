import type { Projection, SnapshotConfig } from '@strata/state/server'
import { isErased, reportProjections, tableProjection } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { NAMES, people, personal } from './erasureFixtures'
import { BASE, batch, events, get, postOk } from './helpers'
import type { StorageFactory } from './suite'
import { as, authorize, serverStarter } from './suite.server.setup'

const card = (clientId: string, seq: number, authorId: 'ada' | 'bob') =>
  events(clientId, seq, 1, {
    type: 'card/added',
    stream: 'cards',
    payload: { authorId, author: NAMES[authorId], title: `card ${seq}` },
  })
const shown = (v: unknown) => (isErased(v) ? '(erased)' : String(v))
const authorOf = (p: any) => (p.authorId ?? p.userId) as string
const nameOf = (p: any) => shown(p.author ?? p.name)

/**
 * Names by subject, a projection and a snapshot, each with a `forget` hook, counting their
 * folds: a forget that used the hook folds none of the old events again.
 */
function hooked(options: { throws?: boolean } = {}) {
  const folds = { projection: 0, snapshot: 0 }
  const scrub = (names: Record<string, string>, subject: string) => {
    if (options.throws) throw new Error('hook bug')
    if (names[subject] !== undefined) names[subject] = '(erased)'
  }
  const projection: Projection<{ names: Record<string, string> }> = {
    name: 'names',
    mode: 'async',
    initialState: { names: {} },
    types: ['card/added', 'user/renamed'],
    apply: (state, event) => {
      if (event.type !== 'strata/subject-forgotten') folds.projection++
      return { names: { ...state.names, [authorOf(event.payload)]: nameOf(event.payload) } }
    },
    forget: (draft, { subject }) => scrub(draft.names, subject),
  }
  const snapshot: SnapshotConfig<{ names: Record<string, string> }> = {
    name: 'board',
    version: 1,
    initialState: { names: {} },
    reducer: (draft, event) => {
      if (event.type !== 'strata/subject-forgotten') folds.snapshot++
      if (event.type === 'card/added' || event.type === 'user/renamed')
        draft.names[authorOf(event.payload)] = nameOf(event.payload)
    },
    forget: (draft, { subject }) => scrub(draft.names, subject),
  }
  return { projection, snapshot, folds }
}

/** Authors' names in a table, with a hook that erases a subject's (or one that throws). */
const authorRows = (forget: 'erase' | 'throw') =>
  tableProjection({
    name: 'author_names',
    version: 1,
    tables: {
      rows: 'id TEXT NOT NULL, author_id TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (id)',
    },
    types: ['card/added', 'user/renamed'],
    apply: async (event, db) => {
      const p = event.payload as any
      await db.run('INSERT INTO {rows} (id, author_id, name) VALUES (?, ?, ?)', [
        event.id,
        authorOf(p),
        nameOf(p),
      ])
    },
    read: (db) => db.all('SELECT author_id, name FROM {rows} ORDER BY id'),
    forget: async (db, { subject }) => {
      if (forget === 'throw') throw new Error('table hook bug')
      await db.run("UPDATE {rows} SET name = '(erased)' WHERE author_id = ?", [subject])
    },
  })

/** A projection's and a snapshot's `forget` hook scrub their states instead of folding again. */
export function erasureHooksContract(factory: StorageFactory) {
  describe('erasure: forget hooks', () => {
    const start = serverStarter(factory)
    const forget = (server: { fetch(r: Request): Promise<Response> }) =>
      server
        .fetch(new Request(`${BASE}/subjects/ada/forget`, { method: 'POST', headers: as('root') }))
        .then(async (r) => ({ status: r.status, body: (await r.json()) as { token: string } }))
    const settled = async (server: any, position: string) => {
      for (let i = 0; i < 200; i++) {
        const served = await get(server, '/snapshots/board', as('bob'))
        if (served.body?.position === position) return served.body
        await new Promise((r) => setTimeout(r, 20))
      }
      throw new Error(`the snapshot never reached ${position}`)
    }
    const load = async (server: any, token: string) => {
      const view = await get(server, '/views/names', { ...as('bob'), 'X-Min-Position': token })
      return view.body.names as Record<string, string>
    }

    it('scrubs the states with the hooks, folding no old event again; others untouched', async () => {
      const { projection, snapshot, folds } = hooked()
      const errors: unknown[] = []
      const { server, storage } = await start({
        authorize,
        personal,
        projections: [projection],
        snapshots: [{ ...snapshot, keepEvery: 2 }],
        onError: (e) => errors.push(e),
      })
      const { token } = await postOk(server, batch('c1', people('c1')), as('bob'))
      expect(await load(server, token)).toEqual({ ada: NAMES.ada, bob: NAMES.bob })
      await settled(server, 'v1:3')
      const kept2 = await storage.loadCheckpoint('snapshot:board#2', 'acme')
      expect(JSON.stringify(kept2)).toContain(NAMES.ada)
      const before = { ...folds }
      const { status, body } = await forget(server)
      expect(status).toBe(200)
      expect(await load(server, body.token)).toEqual({ ada: '(erased)', bob: NAMES.bob })
      const served = await settled(server, 'v1:4')
      expect(JSON.stringify(served.state)).toContain('(erased)')
      expect(JSON.stringify(served.state)).toContain(NAMES.bob)
      expect(JSON.stringify(served.state)).not.toContain(NAMES.ada)
      // None of the app's events was folded again by the forget (the audit event was, by the
      // snapshot). After it, the snapshot's catch-up folded its 3 again for the states kept for
      // paging back that it deleted (Ada's first event to the scrubbed latest).
      expect(folds.projection - before.projection).toBe(0)
      expect(folds.snapshot - before.snapshot).toBe(3)
      // No stored state holds the name; the state kept at 2 (after Ada's first event) is folded
      // again without it.
      const latest = await storage.loadCheckpoint('snapshot:board', 'acme')
      expect(latest?.position).toBe(4)
      expect(JSON.stringify(latest)).not.toContain(NAMES.ada)
      const kept2again = await storage.loadCheckpoint('snapshot:board#2', 'acme')
      expect(kept2again?.position).toBe(2)
      expect(JSON.stringify(kept2again)).toContain('(erased)')
      expect(JSON.stringify(kept2again)).not.toContain(NAMES.ada)
      expect(JSON.stringify(await storage.loadCheckpoint('names', 'acme'))).not.toContain(NAMES.ada)
      expect(errors).toEqual([])
    })

    it('a hook that throws: the forget completes, folding again instead, and says so', async () => {
      const { projection, snapshot, folds } = hooked({ throws: true })
      const errors: any[] = []
      const { server, storage } = await start({
        authorize,
        personal,
        projections: [projection],
        snapshots: [snapshot],
        onError: (e) => errors.push(e),
      })
      const { token } = await postOk(server, batch('c1', people('c1')), as('bob'))
      expect(await load(server, token)).toEqual({ ada: NAMES.ada, bob: NAMES.bob })
      await settled(server, 'v1:3')
      const before = { ...folds }
      const { status, body } = await forget(server)
      expect(status).toBe(200)
      expect(body.token).toBe('v1:4')
      // The key is gone and every event is there: three of the app's and the audit event.
      expect((await storage.subjectKeys!('acme', ['ada', 'bob'])).has('ada')).toBe(false)
      expect((await storage.read({ after: 0, limit: 10, tenant: 'acme' })).events).toHaveLength(4)
      // Folded again from the first event: the same states the hooks would have given.
      expect(await load(server, body.token)).toEqual({ ada: '(erased)', bob: NAMES.bob })
      expect((await settled(server, 'v1:4')).state.json).toEqual({
        names: { ada: '(erased)', bob: NAMES.bob },
      })
      expect(folds.projection - before.projection).toBe(3)
      expect(folds.snapshot - before.snapshot).toBe(3)
      const messages = errors.map((e) => String(e.message))
      expect(messages).toContainEqual(
        expect.stringContaining(
          'The forget hook of projection "names" threw while scrubbing subject "ada"',
        ),
      )
      expect(messages).toContainEqual(
        expect.stringContaining('The forget hook of snapshot "board" threw'),
      )
      const error = errors.find((e) => e.details?.projection === 'names')
      expect(error.cause.message).toBe('hook bug')
      expect(JSON.stringify(await storage.loadCheckpoint('snapshot:board', 'acme'))).not.toContain(
        NAMES.ada,
      )
    })

    it.runIf(factory.sql).each(['erase', 'throw'] as const)(
      'a table projection whose hook does %s: scrubbed in place, or rebuilt',
      async (mode) => {
        const errors: any[] = []
        const { server, storage } = await start({
          authorize,
          personal,
          projections: [authorRows(mode)],
          tables: { pollMs: 20 },
          onError: (e) => errors.push(e),
        })
        const { token } = await postOk(server, batch('c1', people('c1')), as('bob'))
        const rows = async (min: string) =>
          (await get(server, '/views/author_names', { ...as('bob'), 'X-Min-Position': min })).body
        expect(JSON.stringify(await rows(token))).toContain(NAMES.ada)
        const { body } = await forget(server)
        const generations = async () =>
          (await reportProjections(storage)).map((g) => [g.generation, g.status])
        if (mode === 'erase') {
          // At once, in the same tables: no generation is built.
          expect(await rows(body.token)).toEqual([
            { author_id: 'ada', name: '(erased)' },
            { author_id: 'ada', name: '(erased)' },
            { author_id: 'bob', name: NAMES.bob },
          ])
          expect(await generations()).toEqual([[1, 'live']])
          expect(errors).toEqual([])
          return
        }
        expect(errors.map((e) => e.message)).toContainEqual(
          expect.stringContaining('The forget hook of table projection "author_names" threw'),
        )
        expect(errors.find((e) => e.details?.table)?.cause.message).toBe('table hook bug')
        for (let i = 0; i < 300; i++) {
          if (!JSON.stringify(await rows(body.token)).includes(NAMES.ada)) break
          await new Promise((r) => setTimeout(r, 20))
        }
        expect((await rows(body.token)).map((r: any) => r.name).sort()).toEqual([
          '(erased)',
          '(erased)',
          NAMES.bob,
        ])
        // The tenant's rows were rebuilt in place: no generation is built for every tenant.
        expect(await generations()).toEqual([[1, 'live']])
      },
    )

    it("inline projections fold a forgotten subject's later events erased, as stored", async () => {
      const { projection } = hooked()
      const { server } = await start({
        authorize,
        personal,
        projections: [{ ...projection, mode: 'inline' }],
      })
      await postOk(server, batch('c1', card('c1', 1, 'bob')), as('bob'))
      await forget(server)
      // An offline client's events, decided before the erasure, sent after it.
      const { token } = await postOk(server, batch('c1', people('c1', 2)), as('bob'))
      const names = await load(server, token)
      expect(names).toEqual({ ada: '(erased)', bob: NAMES.bob })
    })
  })
}
