import { createStore, type HistoryOptions } from '@strata/state'
import type { SnapshotConfig } from '@strata/state/server'
import { connectSync, type Sync, type SyncOptions } from '@strata/state/sync'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach } from 'vitest'
import {
  type Counters,
  counterReducer,
  type Fault,
  faulty,
  manualClock,
  testServer,
} from './helpers'

/** A counters store as the app makes it, with a reducer version and a window. */
export function countersStore(
  options: { version?: string | number; history?: HistoryOptions } = {},
) {
  return createStore({
    initialState: {} as Counters,
    reducer: counterReducer,
    ...options,
    commands: {
      add: (_state: Counters, payload: { key: string; by: number }) => ({
        type: 'added' as const,
        payload,
      }),
      increment: (state: Counters, key: string) => ({
        type: 'set' as const,
        payload: { key, value: (state[key] ?? 0) + 1 },
      }),
    },
  })
}

export type CountersStore = ReturnType<typeof countersStore>

/** The counters reducer as a server snapshot. */
export const countersSnapshot = (overrides: Partial<SnapshotConfig> = {}): SnapshotConfig => ({
  name: 'counters',
  initialState: {},
  reducer: counterReducer,
  version: '',
  ...overrides,
})

/** Stores `n` `added a by 1` events from another client, in batches the server takes. */
export async function seed(
  server: ReturnType<typeof testServer>,
  n: number,
  { clientId = 'seeder', from = 1, key = 'a' } = {},
) {
  for (let s = 0; s < n; s += 1000) {
    const events = Array.from({ length: Math.min(1000, n - s) }, (_, i) => ({
      clientSeq: from + s + i,
      id: `${clientId}-${from + s + i}`,
      stream: 'default',
      type: 'added',
      payload: { key, by: 1 },
      at: 1,
    }))
    const response = await server.server.fetch(
      new Request('http://s/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ protocol: 1, clientId, events }),
      }),
    )
    if (response.status !== 200) throw new Error(await response.text())
  }
}

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

export interface TabOptions extends Partial<SyncOptions<any>> {
  fault?: (r: Request) => Fault
  version?: string | number
  history?: HistoryOptions
}

/** One browser profile: its IndexedDB, shared by every tab and every reload. */
export function browser(server: ReturnType<typeof testServer>, indexedDB = new IDBFactory()) {
  const tab = (options: TabOptions = {}) => {
    const { fault, version, history, ...rest } = options
    const store = countersStore({
      ...(version !== undefined && { version }),
      ...(history && { history }),
    })
    const clock = manualClock()
    const sync = connectSync(store, {
      fetch: fault ? faulty(server.fetch, fault) : server.fetch,
      batch: { maxEvents: 10, maxDelayMs: 0 },
      persist: { indexedDB, name: 'app' },
      live: 'off',
      clock,
      random: () => 1,
      ...rest,
    })
    open.push(sync)
    return { store, sync, clock }
  }
  return Object.assign(tab, { indexedDB })
}

/** The raw database of a profile, for tests that look at or spoil what the client kept. */
export async function rawDatabase(indexedDB: IDBFactory, name = 'app'): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(`strata-sync:${name}`)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
}

export function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })
}

/** The snapshot record a profile keeps for a version, with its state (parsed when JSON text). */
export async function storedSnapshot(indexedDB: IDBFactory, version = ''): Promise<any> {
  const db = await rawDatabase(indexedDB)
  try {
    const r = await request(db.transaction('snapshots').objectStore('snapshots').get(version))
    return typeof r?.json === 'string' ? { ...r, state: JSON.parse(r.json) } : r
  } finally {
    db.close()
  }
}

export async function putSnapshot(
  indexedDB: IDBFactory,
  record: unknown,
  name = 'app',
): Promise<void> {
  const db = await rawDatabase(indexedDB, name)
  const tx = db.transaction('snapshots', 'readwrite')
  // The device's one snapshot: a tab may have kept one of its own before.
  tx.objectStore('snapshots').clear()
  tx.objectStore('snapshots').put(record)
  await new Promise((resolve) => (tx.oncomplete = resolve))
  db.close()
}

export const eventReads = (server: ReturnType<typeof testServer>) =>
  server.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/events?'))

export { testServer }
