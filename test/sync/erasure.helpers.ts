import 'fake-indexeddb/auto'
import { inspect } from 'node:util'
import type { Store } from '@strata/state'
import { createInspectHost } from '@strata/state/inspect'
import { createEventServer, memoryStorage } from '@strata/state/server'
import type { PersonalData, Sync } from '@strata/state/sync'
import { exportSession, serializeSession } from '@strata/state/testing'
import type { IDBFactory } from 'fake-indexeddb'

// What the client erasure tests share: a server with a `personal` declaration, an admin's forget,
// and a search of every copy a page keeps (its logs, every state, both exports, the devtools
// host's answers, IndexedDB) for the plaintext.

export const ADA = 'Ada Lovelace-Byron'
export const BOB = 'Robert Tables-Droppe'

export const text = (value: unknown) =>
  inspect(value, { depth: Number.POSITIVE_INFINITY, maxArrayLength: null })

export function erasureServer(personal: PersonalData) {
  return createEventServer({
    storage: memoryStorage(),
    personal,
    authorize: (r) =>
      r.headers.get('authorization') === 'Bearer root' ? { id: 'root', admin: true } : { id: 'u' },
  })
}
export type ErasureServer = ReturnType<typeof erasureServer>

export async function forget(s: ErasureServer, subject: string) {
  const response = await s.fetch(
    new Request(`http://strata.test/subjects/${subject}/forget`, {
      method: 'POST',
      headers: { authorization: 'Bearer root' },
    }),
  )
  if (response.status !== 200) throw new Error(`forget answered ${response.status}`)
}

/** Everything a profile's IndexedDB database holds, as text. */
export async function idbContents(indexedDB: IDBFactory, name = 'strata-sync:app') {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  const out: unknown[] = []
  for (const store of db.objectStoreNames) {
    const all = db.transaction(store).objectStore(store).getAll()
    out.push(await new Promise((resolve) => (all.onsuccess = () => resolve(all.result))))
  }
  db.close()
  return text(out)
}

/**
 * The store's logs (every state folded out, not only those kept), both exports, the devtools
 * host's rows and searches, and the sync client's snapshot and conflicts.
 */
export function everything({ store, sync }: { store: Store<any, any, any>; sync: Sync }) {
  const states = []
  for (let i = store.history.start; i <= store.history.length; i++)
    states.push(store.logs.states.at(i))
  const host = createInspectHost(store, { sync })
  const n = store.history.length
  try {
    return text({
      events: store.logs.events,
      commands: store.logs.commands,
      states,
      session: serializeSession(exportSession(store)),
      panel: host.handle({ type: 'export' }).text,
      rows: [
        host.handle({ type: 'commands', start: 0, end: store.logs.commands.length }),
        host.handle({ type: 'events', start: store.history.start, end: n, states: true }),
      ],
      sync: [sync.getSnapshot(), host.handle({ type: 'sync' }), sync.conflicts.getSnapshot()],
    })
  } finally {
    host.close()
  }
}
