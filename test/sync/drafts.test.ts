import 'fake-indexeddb/auto'
import { createStore } from '@strata/state'
import { connectSync, type Sync, type SyncOptions } from '@strata/state/sync'
import { IDBDatabase, IDBFactory } from 'fake-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type Counters, counterReducer, manualClock, testServer } from './helpers'

const open: Sync[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  await Promise.all(open.splice(0).map((s) => s.close()))
})

/** `once` sets a counter that is not set yet: decided again on a state where it is, it makes none. */
function onceStore() {
  return createStore({
    initialState: {} as Counters,
    reducer: counterReducer,
    commands: {
      once: (state: Counters, key: string) =>
        state[key] === undefined ? { type: 'set' as const, payload: { key, value: 1 } } : [],
      set: (_state: Counters, payload: { key: string; value: number }) => ({
        type: 'set' as const,
        payload,
      }),
    },
  })
}

function browser(server: ReturnType<typeof testServer>) {
  const indexedDB = new IDBFactory()
  const tab = (options: Partial<SyncOptions<any>> = {}) => {
    const store = onceStore()
    const sync = connectSync(store, {
      fetch: server.fetch,
      batch: { maxEvents: 10, maxDelayMs: 60_000 },
      persist: { indexedDB, name: 'app' },
      live: 'off',
      clock: manualClock(),
      random: () => 1,
      ...options,
    })
    open.push(sync)
    return { store, sync }
  }
  /** The draft records in the outbox's database, read behind the tabs' backs. */
  const storedDrafts = async () => {
    const request = indexedDB.open('strata-sync:app')
    const db = await new Promise<IDBDatabase>((resolve) => {
      request.onsuccess = () => resolve(request.result)
    })
    const all = db.transaction('drafts').objectStore('drafts').getAll()
    const records = await new Promise<unknown[]>((resolve) => {
      all.onsuccess = () => resolve(all.result)
    })
    db.close()
    return records
  }
  return { tab, storedDrafts }
}

/** Readwrite transactions over the drafts store, from now on. */
function draftWrites() {
  const writes: string[][] = []
  const transaction = IDBDatabase.prototype.transaction
  vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (
    this: IDBDatabase,
    names: string | Iterable<string>,
    mode?: IDBTransactionMode,
    options?: IDBTransactionOptions,
  ) {
    const list = typeof names === 'string' ? [names] : [...names]
    if (mode === 'readwrite' && list.includes('drafts')) writes.push(list)
    return transaction.call(this, names, mode, options)
  })
  return writes
}

describe('draft records in the outbox', () => {
  it('a quiet tab writes no draft record while it boots and pulls', async () => {
    const server = testServer()
    const { tab } = browser(server)
    const first = tab()
    first.store.dispatch({ type: 'set', payload: { key: 'x', value: 1 } })
    await first.sync.flush()
    await first.sync.close()
    const other = tab({ persist: false })
    await other.sync.pull()
    other.store.dispatch({ type: 'set', payload: { key: 'y', value: 2 } })
    await other.sync.flush()

    const writes = draftWrites()
    const quiet = tab()
    await quiet.sync.pull()
    expect(quiet.store.getState()).toEqual({ x: 1, y: 2 })
    expect(writes).toEqual([])
    // Its first draft is written, and the claim that takes it rewrites the record (each reads
    // meta's erasure count first: see OutboxStorage.scrub).
    quiet.store.dispatch({ type: 'set', payload: { key: 'z', value: 3 } })
    await quiet.sync.flush()
    expect(writes).toEqual([
      ['drafts', 'meta'],
      ['claimed', 'drafts', 'meta'],
    ])
  })

  it('a stored draft that a rebase drops is deleted, so no reload finds it', async () => {
    const server = testServer()
    const { tab, storedDrafts } = browser(server)
    const other = tab({ persist: false })
    const before = tab()
    await before.sync.ready
    before.store.dispatch({ type: 'once', payload: 'x' })
    await vi.waitFor(async () => expect(await storedDrafts()).toHaveLength(1))
    other.store.dispatch({ type: 'set', payload: { key: 'x', value: 5 } })
    await other.sync.flush()
    // Decided again on x = 5, `once` makes no event: nothing is left to send.
    await before.sync.pull()
    expect(before.store.logs.events.map((e) => e.payload)).toEqual([{ key: 'x', value: 5 }])
    await before.sync.close()
    expect(await storedDrafts()).toEqual([])
  })

  it('drafts adopted from a closed tab are rewritten when none of them is put back', async () => {
    const server = testServer()
    const { tab, storedDrafts } = browser(server)
    const gone = tab()
    await gone.sync.ready
    gone.store.dispatch({ type: 'once', payload: 'x' })
    await vi.waitFor(async () => expect(await storedDrafts()).toHaveLength(1))
    await gone.sync.close()
    const other = tab({ persist: false })
    other.store.dispatch({ type: 'set', payload: { key: 'x', value: 5 } })
    await other.sync.flush()
    // The reload adopts the draft; decided again once caught up (x = 5), it makes no event.
    const after = tab()
    await after.sync.pull()
    await vi.waitFor(() => expect(after.store.logs.events).toHaveLength(1))
    await after.sync.close()
    expect(await storedDrafts()).toEqual([])
  })
})
