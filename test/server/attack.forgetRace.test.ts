// An attacker's race over real HTTP on loopback: a forget of a subject while writers keep
// appending events that name it (memory, SQLite, PostgreSQL). Once the forget has answered, no
// read (events, a snapshot, a JSON view, table views with and without a hook) serves the name,
// not even of the events still coming; and every event sent is stored exactly once.
import {
  isErased,
  type Projection,
  reportProjections,
  type SnapshotConfig,
  tableProjection,
} from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { as, attackStores, forget, start, withAdmins } from './attack'
import { personal } from './erasureFixtures'
import { batch, events } from './helpers'

const shown = (v: unknown) => (isErased(v) ? '(erased)' : String(v))
const authorOf = (p: any) => String(p.authorId)

const names: Projection<{ names: Record<string, string> }> = {
  name: 'names',
  mode: 'async',
  initialState: { names: {} },
  types: ['card/added'],
  apply: (state, e) => ({
    names: { ...state.names, [authorOf(e.payload)]: shown((e.payload as any).author) },
  }),
  forget: (draft, { subject }) => {
    if (draft.names[subject] !== undefined) draft.names[subject] = '(erased)'
  },
}
const board: SnapshotConfig<{ names: Record<string, string> }> = {
  name: 'board',
  version: 1,
  keepEvery: 4,
  initialState: { names: {} },
  reducer: (draft, e) => {
    if (e.type === 'card/added') draft.names[authorOf(e.payload)] = shown((e.payload as any).author)
  },
  forget: (draft, { subject }) => {
    if (draft.names[subject] !== undefined) draft.names[subject] = '(erased)'
  },
}
const rows = (name: string, hook: boolean) =>
  tableProjection({
    name,
    version: 1,
    tables: { rows: 'id TEXT NOT NULL, author_id TEXT NOT NULL, name TEXT, PRIMARY KEY (id)' },
    types: ['card/added'],
    apply: async (e, db) => {
      const p = e.payload as any
      await db.run('INSERT INTO {rows} (id, author_id, name) VALUES (?, ?, ?)', [
        e.id,
        authorOf(p),
        shown(p.author),
      ])
    },
    read: (db) => db.all('SELECT id, name FROM {rows} ORDER BY id'),
    ...(hook
      ? {
          forget: async (db, { subject }) => {
            await db.run("UPDATE {rows} SET name = '(erased)' WHERE author_id = ?", [subject])
          },
        }
      : {}),
  })

const WRITERS = 4
const BATCHES = 5
const PER_BATCH = 3
const ROUNDS = 3

describe.each(attackStores())('a forget racing appends of its subject on %s', (_n, sql, make) => {
  it('serves no plaintext of the subject once it answered, and stores every event once', async () => {
    const storage = await make()
    const { url } = await start({
      storage,
      authorize: withAdmins,
      personal,
      projections: sql ? [names, rows('hooked', true), rows('rebuilt', false)] : [names],
      snapshots: [board],
      tables: { pollMs: 20 },
      limits: { viewWaitMs: 10_000 },
    })
    const bob = as(url, 'bob@acme')
    /** Every event of acme, page by page. */
    const all = async () => {
      const out: any[] = []
      let after = 'v1:0'
      for (;;) {
        const page = await bob.get(`/events?after=${after}&limit=500`)
        expect(page.status).toBe(200)
        out.push(...page.body.events)
        after = page.body.token
        if (!page.body.hasMore) return out
      }
    }
    /** Every row of every table projection's tables, as stored (SQL stores). */
    const tables = async () => {
      if (!sql) return ''
      const gens = await reportProjections(storage)
      return storage.tables!.read(async (db) => {
        const out: unknown[] = []
        for (const table of gens.flatMap((g) => g.tables))
          out.push(...(await db.all(`SELECT * FROM ${table}`)))
        return JSON.stringify(out)
      })
    }
    /** What every read serves now (the views with the forget's token: caught up with it). */
    const reads = async (token: string) => {
      const answers = [JSON.stringify(await all())]
      const views = sql ? ['names', 'hooked', 'rebuilt'] : ['names']
      for (const view of views) {
        const read = await bob.get(`/views/${view}`, { 'X-Min-Position': token })
        expect(read.status, JSON.stringify(read.body)).toBe(200)
        answers.push(JSON.stringify(read.body))
      }
      const snapshot = await bob.get('/snapshots/board')
      expect(snapshot.status).toBe(200)
      answers.push(JSON.stringify(snapshot.body))
      return answers.join('\n')
    }
    let sent = 0
    for (let round = 0; round < ROUNDS; round++) {
      const subject = `p${round}`
      const name = `Secret Person ${round} ${crypto.randomUUID()}`
      const card = (client: string, seq: number) =>
        events(client, seq, PER_BATCH, {
          type: 'card/added',
          stream: 'cards',
          payload: { authorId: subject, author: name },
        })
      let started!: () => void
      const first = new Promise<void>((resolve) => (started = resolve))
      const writers = Array.from({ length: WRITERS }, async (_, w) => {
        const client = `r${round}w${w}`
        for (let b = 0; b < BATCHES; b++) {
          const posted = await bob.post(batch(client, card(client, b * PER_BATCH + 1)))
          expect(posted.status, JSON.stringify(posted.body)).toBe(200)
          if (w === 0 && b === 0) started()
        }
      })
      await first
      const forgot = await forget(url, subject, 'root@acme')
      expect(forgot.status, JSON.stringify(forgot.body)).toBe(200)
      // Writers are still appending: whatever is read now holds no byte of the name.
      expect(await reads(forgot.body.token)).not.toContain(name)
      await Promise.all(writers)
      sent += WRITERS * BATCHES * PER_BATCH
      const after = await reads(forgot.body.token)
      expect(after).not.toContain(name)
      expect(after).not.toContain(name.slice(-36))
      expect(await tables()).not.toContain(name.slice(-36))
    }
    // None lost, none twice: each (client, seq) once, every id once.
    const stored = (await all()).filter((e) => e.type === 'card/added')
    expect(stored).toHaveLength(sent)
    expect(new Set(stored.map((e) => e.id)).size).toBe(sent)
    expect(new Set(stored.map((e) => `${e.clientId} ${e.clientSeq}`)).size).toBe(sent)
  }, 120_000)
})
