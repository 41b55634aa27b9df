/**
 * The boot benchmark's world: an event server on SQLite holding N board events (seeded straight
 * through the storage API, not over HTTP), a server snapshot of the board folded by the same
 * reducer, and browser tabs (`connectSync` over the server's fetch handler, each browser
 * profile its own fake IndexedDB) that boot, pull and record.
 */
import 'fake-indexeddb/auto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStore } from '@strata/state'
import { createEventServer, type Storage, sqliteStorage } from '@strata/state/server'
import { connectSync, type Sync } from '@strata/state/sync'
import { sessionSerializer } from '@strata/state/testing'
import { IDBFactory } from 'fake-indexeddb'
import type { SuperJSONResult } from 'superjson'
import { type Board, type BoardEvent, spreadReducer, workload } from './board'

export const SNAPSHOT = 'board'
export const VERSION = 'board-1'
export const SEED_BATCH = 5000

/** A board store as an app makes it: a plain reducer, a code version, the default window. */
export function boardStore(initialState: Board) {
  return createStore({ initialState, reducer: spreadReducer, immer: false, version: VERSION })
}

export type BoardStore = ReturnType<typeof boardStore>

export interface World {
  initialState: Board
  storage: Storage
  fetch: (request: Request) => Promise<Response>
  /** Events stored so far. */
  head(): number
  /** Stores `n` more events from another client, `SEED_BATCH` per transaction. */
  seed(n: number): Promise<void>
  /** Requests for events or snapshots the server has answered so far. */
  reads(): number
  /** The next `n` events of the workload, for a tab to dispatch. */
  next(n: number): BoardEvent[]
  close(): Promise<void>
}

export async function createWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-boot-'))
  // NORMAL in WAL mode: no fsync per commit; seeding a million events is setup, not measured.
  const storage = sqliteStorage(join(dir, 'events.db'), { synchronous: 'NORMAL' })
  const w = workload()
  const server = createEventServer({
    storage,
    snapshots: [
      {
        name: SNAPSHOT,
        initialState: w.initialState,
        reducer: spreadReducer,
        immer: false,
        version: VERSION,
      },
    ],
  })
  let head = 0
  let seq = 0
  let reads = 0
  return {
    initialState: w.initialState,
    storage,
    fetch: (request) => {
      if (request.method === 'GET' && /\/(events|snapshots)\b/.test(request.url)) reads++
      return server.fetch(request)
    },
    head: () => head,
    reads: () => reads,
    next: (n) => w.events(n),
    async seed(n) {
      for (let done = 0; done < n; done += SEED_BATCH) {
        const events = w.events(Math.min(SEED_BATCH, n - done))
        seq = await appendSeeded(storage, events, seq)
        head += events.length
      }
    },
    async close() {
      await server.close()
      await storage.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Stores `events` as another client's (`seeder`, its seqs after `seq`) in one transaction,
 * straight through the storage API, each in the one stream; returns the last seq.
 */
export async function appendSeeded(
  storage: Storage,
  events: readonly BoardEvent[],
  seq: number,
): Promise<number> {
  await storage.append(async (tx) => {
    const from = await tx.head()
    await tx.insertEvents(
      events.map((e, i) => {
        const p = from + i + 1
        return {
          position: p,
          tenantPosition: p,
          tenant: '',
          clientId: 'seeder',
          clientSeq: seq + i + 1,
          id: `seed-${seq + i + 1}`,
          stream: 'default',
          streamVersion: p,
          type: e.type,
          payload: e.payload as never,
          at: 1_700_000_000_000 + p,
          commandId: null,
          fingerprint: '',
        }
      }),
    )
    await tx.saveClient({
      clientId: 'seeder',
      principalId: '',
      tenant: '',
      lastSeq: seq + events.length,
    })
  })
  return seq + events.length
}

/** Waits until the server's snapshot has folded every stored event (setup, not measured). */
export async function warmSnapshot(world: World): Promise<void> {
  for (;;) {
    const response = await world.fetch(new Request(`http://s/snapshots/${SNAPSHOT}`))
    if (response.status === 200) {
      const body = (await response.json()) as { position: string }
      if (body.position === `v1:${world.head()}`) return
    } else await response.body?.cancel()
    await new Promise((r) => setTimeout(r, 200))
  }
}

export interface Tab {
  store: BoardStore
  sync: Sync
}

/** One browser profile: its IndexedDB, shared by every tab and every reload. */
export function profile(world: World) {
  const indexedDB = new IDBFactory()
  return (options: { snapshot?: boolean } = {}): Tab => {
    const store = boardStore(world.initialState)
    const sync = connectSync(store, {
      fetch: world.fetch,
      persist: { indexedDB, name: 'bench' },
      live: 'off',
      batch: { maxEvents: 1000, maxDelayMs: 0 },
      ...(options.snapshot && { snapshot: SNAPSHOT }),
    })
    return { store, sync }
  }
}

/** A tab from its creation until its store shows every stored event. */
export async function bootTab(open: () => Tab, head: number): Promise<{ tab: Tab; ms: number }> {
  const start = performance.now()
  const tab = open()
  await tab.sync.pull()
  const ms = performance.now() - start
  if (tab.store.history.length !== head) {
    throw new Error(`[strata] bench: booted to ${tab.store.history.length}, not ${head}`)
  }
  return { tab, ms }
}

/**
 * Fetching and parsing the server's snapshot as the client does, without the store: a plain
 * JSON state as parsed, else through the session serializer, in place (src/sync/history/boot.ts).
 */
export async function fetchSnapshot(world: World): Promise<number> {
  const start = performance.now()
  const response = await world.fetch(new Request(`http://s/snapshots/${SNAPSHOT}`))
  const body = (await response.json()) as { state: SuperJSONResult }
  if (body.state.meta) sessionSerializer.deserialize(body.state, { inPlace: true })
  return performance.now() - start
}
