import { createStore } from '@strata/state'
import { type Conflict, connectSync, type Sync } from '@strata/state/sync'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startPostgres, type TestPostgres } from './pg'
import { type ServerProcess, startServerProcess } from './processes'

// Optimistic concurrency across server processes: two clients, each talking to its own server
// process on one PostgreSQL, decide on the same version of a note's stream at once. Process A
// holds its append open (the deletion) while B's edit arrives: B's append must wait for A's
// commit and then see the stream moved, so the edit is refused once and lost once, to its own
// client only, and never stored.

let postgres: TestPostgres
const running: ServerProcess[] = []
const syncs: Sync[] = []
beforeAll(async () => {
  postgres = await startPostgres()
}, 60_000)
afterEach(async () => {
  await Promise.all(syncs.splice(0).map((s) => s.close()))
})
afterAll(async () => {
  await Promise.all(running.map((p) => p.kill()))
  await postgres?.stop()
})

type Notes = Record<string, { title: string }>
type Ev =
  | { type: 'created'; payload: { id: string; title: string } }
  | { type: 'edited'; payload: { id: string; title: string } }
  | { type: 'deleted'; payload: { id: string } }

function notes() {
  return createStore({
    initialState: {} as Notes,
    reducer: (draft: Notes, e: Ev) => {
      if (e.type === 'created') draft[e.payload.id] = { title: e.payload.title }
      else if (!draft[e.payload.id]) throw new Error(`No note ${e.payload.id}`)
      else if (e.type === 'edited') draft[e.payload.id]!.title = e.payload.title
      else delete draft[e.payload.id]
    },
    commands: {
      create: (_s: Notes, p: { id: string; title: string }) => ({
        type: 'created' as const,
        payload: p,
      }),
      edit: (s: Notes, p: { id: string; title: string }) => {
        if (!s[p.id]) throw new Error(`There is no note ${p.id}`)
        return { type: 'edited' as const, payload: p }
      },
      remove: (s: Notes, p: { id: string }) => {
        if (!s[p.id]) throw new Error(`There is no note ${p.id}`)
        return { type: 'deleted' as const, payload: p }
      },
    },
  })
}

function client(server: ServerProcess, conflicts: Conflict[]) {
  const store = notes()
  const sync = connectSync(store, {
    url: server.url,
    persist: false,
    locks: false,
    live: 'off',
    batch: { maxDelayMs: 0 },
    streamOf: (e) => `note:${e.payload.id}`,
    onConflict: (c) => conflicts.push(c),
    onError: (e) => {
      throw new Error(`reducer error on a stored event: ${String(e.error)}`)
    },
  })
  syncs.push(sync)
  return { store, sync }
}

/** Backends of this schema's database waiting for a lock: B's append queued behind A's. */
async function waitingForLock(): Promise<number> {
  const db = new pg.Client({ connectionString: postgres.url })
  await db.connect()
  try {
    const { rows } = await db.query(
      "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock'",
    )
    return rows[0].n as number
  } finally {
    await db.end()
  }
}

describe('a conflict under two PostgreSQL server processes', () => {
  it('is detected once: one writer wins, the other command is lost once, to its own client', async () => {
    const schema = postgres.schema()
    const env = { STRATA_PG_URL: postgres.url, STRATA_SCHEMA: schema, STRATA_NO_PROJECTIONS: '1' }
    const [a, b] = await Promise.all([
      startServerProcess({ ...env, STRATA_HOLD_TYPE: 'deleted' }),
      startServerProcess(env),
    ])
    running.push(a, b)
    const lostA: Conflict[] = []
    const lostB: Conflict[] = []
    const one = client(a, lostA)
    const two = client(b, lostB)

    one.store.dispatch({ type: 'create', payload: { id: 'n1', title: 'Race note' } })
    await one.sync.flush()
    await two.sync.pull()
    expect(two.store.getState()).toEqual({ n1: { title: 'Race note' } })

    // A deletes; its append stops inside its transaction. B edits, decided on the same version.
    const holding = a.waitFor('HOLDING')
    one.store.dispatch({ type: 'remove', payload: { id: 'n1' } })
    const sentA = one.sync.flush()
    await holding
    two.store.dispatch({ type: 'edit', payload: { id: 'n1', title: 'Edited in B' } })
    const sentB = two.sync.flush()
    await expect.poll(waitingForLock, { timeout: 10_000 }).toBeGreaterThan(0)
    a.release()
    await sentA
    await sentB
    await expect.poll(() => lostB.length, { timeout: 10_000 }).toBe(1)

    // More rounds change nothing: reported once, nothing else sent.
    for (const { sync } of [one, two]) {
      await sync.pull()
      await sync.flush()
    }
    expect(lostA).toEqual([])
    expect(lostB).toHaveLength(1)
    expect(lostB[0]!.command.type).toBe('edit')
    expect(lostB[0]!.lostTo.map((e) => e.type)).toEqual(['deleted'])
    expect(two.sync.conflicts.getSnapshot()).toHaveLength(1)
    expect(two.sync.status).toBe('conflict')
    expect(one.sync.status).toBe('idle')
    expect(one.store.getState()).toEqual({})
    expect(two.store.getState()).toEqual({})

    // Either process serves the same log: the creation and the deletion, no edit.
    for (const server of [a, b]) {
      const response = await fetch(`${server.url}/events?after=v1:0`)
      const { events } = (await response.json()) as { events: { type: string; stream: string }[] }
      expect(events.map((e) => [e.stream, e.type])).toEqual([
        ['note:n1', 'created'],
        ['note:n1', 'deleted'],
      ])
    }
  }, 60_000)
})
