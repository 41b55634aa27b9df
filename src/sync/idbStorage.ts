import { type DBSchema, type IDBPDatabase, wrap } from 'idb'
import { uuid } from '../core/ids'
import { createHistoryStores, idbHistory } from './history/idbHistory'
import {
  type Adopted,
  type ClaimedEvent,
  type DraftEvent,
  numbered,
  type OutboxStorage,
  outboxOwnedError,
  STALE,
} from './storage'

interface OutboxDB extends DBSchema {
  meta: { key: string; value: string | number | string[] }
  claimed: { key: number; value: ClaimedEvent }
  drafts: { key: string; value: { owner: string; events: DraftEvent[] } }
  leases: { key: string; value: { name: string; holder: string; expires: number } }
}

export interface IdbStorageOptions {
  /** Database name suffix; one outbox (and one clientId) per name. Default 'default'. */
  name?: string
  /** Another IndexedDB (fake-indexeddb in tests); default `globalThis.indexedDB`. */
  indexedDB?: IDBFactory
}

// Strict durability: a transaction counts as done only once it is on disk, so an event the
// outbox has accepted survives a crash right after.
const STRICT = { durability: 'strict' } as const
/** Meta keys: how many subjects were erased from this database, and which (in that order). */
const ERASURES = 'erasures'
const ERASED = 'erased'

/** The outbox in IndexedDB, shared by the tabs of one origin. */
export function idbStorage(options: IdbStorageOptions = {}): OutboxStorage {
  const factory = options.indexedDB ?? globalThis.indexedDB
  const name = `strata-sync:${options.name ?? 'default'}`
  let db: IDBPDatabase<OutboxDB> | undefined
  const handle = () => {
    if (!db) throw new Error('[strata] The outbox database is not open (closed, or open failed).')
    return db
  }
  const seqKey = (clientId: string) => `nextSeq:${clientId}`
  let clientId = ''
  let created = false
  /** How many of those this tab's memory is scrubbed of: counted when it opened, then caught up. */
  let erasures = 0
  // A transaction writing what this tab holds in memory, refused while another tab has counted an
  // erasure this one has not caught up with. The count is the one when the write was asked for,
  // as its records were read from memory just before. Refused, it writes nothing.
  const writing = async (names: string[], options?: typeof STRICT) => {
    const known = erasures
    const tx = (handle() as IDBPDatabase<any>).transaction([...names, 'meta'], 'readwrite', options)
    if (((await tx.objectStore('meta').get(ERASURES)) ?? 0) !== known) throw STALE
    return tx
  }
  const history = idbHistory(handle as () => IDBPDatabase<any>, writing)
  // The snapshot the boot reads (once per open), read beside the clientId, not after it.
  let early: Promise<unknown> | undefined
  const load = history.loadSnapshot
  history.loadSnapshot = async (version) => (await early) ?? load(version)

  return {
    durable: true,
    get created() {
      return created
    },
    history,
    async open(wanted, snapshot) {
      // idb's openDB only knows the global IndexedDB; open on the given one and wrap it.
      // Version 2 adds the history's snapshots and pages beside the outbox, 3 their states.
      const request = factory.open(name, 3)
      created = false
      request.onupgradeneeded = (event) => {
        const d = request.result
        created = event.oldVersion < 1
        if (created) {
          d.createObjectStore('meta')
          d.createObjectStore('claimed', { keyPath: 'clientSeq' })
          d.createObjectStore('drafts', { keyPath: 'owner' })
          d.createObjectStore('leases', { keyPath: 'name' })
        }
        createHistoryStores(d, event.oldVersion)
      }
      const opened = (await wrap(request)) as unknown as IDBPDatabase<OutboxDB>
      // Another tab upgrades the schema: let it; this tab reopens on reload.
      opened.addEventListener('versionchange', () => {
        opened.close()
        if (db === opened) db = undefined
      })
      db = opened
      // Usually there is nothing to write: a readonly transaction (a fresh database has nothing).
      // The snapshot in the same transaction (found: none of that version is read as before).
      const read = created
        ? undefined
        : (opened as IDBPDatabase<any>).transaction(['meta', 'snapshots'])
      const meta = read?.objectStore('meta')
      const counted = meta?.get(ERASURES)
      early = snapshot === undefined ? undefined : read?.objectStore('snapshots').get(snapshot)
      const kept = (await meta?.get('clientId')) as string | undefined
      erasures = ((await counted) as number | undefined) ?? 0
      if (read && kept !== undefined && (wanted ?? kept) === kept) {
        clientId = kept
        return kept
      }
      // Not strict: no event is claimed under the new clientId before a strict transaction,
      // which is on disk only with this one (they commit in order); a fresh device then does not
      // wait for a disk flush before it asks for the server's snapshot.
      const tx = handle().transaction(['meta', 'claimed'], 'readwrite')
      const stored = (await tx.objectStore('meta').get('clientId')) as string | undefined
      if (wanted !== undefined && stored !== undefined && wanted !== stored) {
        if (await tx.objectStore('claimed').count()) {
          tx.abort()
          throw outboxOwnedError(stored, wanted)
        }
      }
      clientId = wanted ?? stored ?? uuid()
      if (clientId !== stored) await tx.objectStore('meta').put(clientId, 'clientId')
      await tx.done
      return clientId
    },
    async saveDrafts(owner, events) {
      const tx = await writing(['drafts'], STRICT)
      const drafts = tx.objectStore('drafts')
      if (events.length) await drafts.put({ owner, events: [...events] })
      else await drafts.delete(owner)
      await tx.done
    },
    async claim(owner, events, rest) {
      const tx = await writing(['claimed', 'drafts'], STRICT)
      const meta = tx.objectStore('meta')
      const next = ((await meta.get(seqKey(clientId))) as number | undefined) ?? 1
      const made = numbered(events, owner, next)
      for (const e of made) await tx.objectStore('claimed').put(e)
      await meta.put(next + made.length, seqKey(clientId))
      if (rest.length) await tx.objectStore('drafts').put({ owner, events: [...rest] })
      else await tx.objectStore('drafts').delete(owner)
      await tx.done
      return made
    },
    async scrub(rewrite, subjects) {
      const all = handle() as unknown as IDBPDatabase<any>
      const history = ['snapshots', 'pages', 'bases']
      const tx = all.transaction(['meta', 'claimed', 'drafts', ...history], 'readwrite', STRICT)
      const meta = tx.objectStore('meta')
      const erased = [...((await meta.get(ERASED)) ?? []), ...subjects]
      await meta.put(erased, ERASED)
      await meta.put(erased.length, ERASURES)
      const claimed = tx.objectStore('claimed')
      for (const e of await claimed.getAll()) {
        const next = rewrite(e)
        if (next) await claimed.put(next)
      }
      const drafts = tx.objectStore('drafts')
      for (const r of await drafts.getAll())
        await drafts.put({ ...r, events: r.events.map((e: DraftEvent) => rewrite(e) ?? e) })
      // The states kept beside the pages too (folded, they hold the fields).
      for (const name of history) await tx.objectStore(name).clear()
      await tx.done
    },
    async caughtUp(scrub) {
      const erased = ((await handle().get('meta', ERASED)) ?? []) as string[]
      await scrub(erased.slice(erasures))
      erasures = erased.length
    },
    async supersede(seqs) {
      const tx = handle().transaction('claimed', 'readwrite', STRICT)
      for (const seq of seqs) {
        const record = await tx.store.get(seq)
        if (record) await tx.store.put({ ...record, superseded: true })
      }
      await tx.done
    },
    async unsent(limit) {
      const out: ClaimedEvent[] = []
      let cursor = await handle().transaction('claimed').store.openCursor()
      while (cursor && out.length < limit) {
        if (!cursor.value.rejected) out.push(cursor.value)
        cursor = await cursor.continue()
      }
      return out
    },
    async settle(outcomes) {
      const tx = handle().transaction('claimed', 'readwrite', STRICT)
      for (const o of outcomes) {
        const record = await tx.store.get(o.clientSeq)
        if (record && o.rejected) await tx.store.put({ ...record, rejected: o.rejected })
        else if (record) await tx.store.delete(o.clientSeq)
      }
      await tx.done
    },
    async takeRejected(owner) {
      const tx = handle().transaction('claimed', 'readwrite', STRICT)
      const taken: ClaimedEvent[] = []
      for (const e of await tx.store.getAll()) {
        if (e.owner !== owner || !e.rejected) continue
        taken.push(e)
        await tx.store.delete(e.clientSeq)
      }
      await tx.done
      return taken
    },
    async owners() {
      const tx = handle().transaction(['claimed', 'drafts'])
      const claimed = await tx.objectStore('claimed').getAll()
      const drafts = await tx.objectStore('drafts').getAllKeys()
      return [...new Set([...drafts, ...claimed.map((e) => e.owner)])]
    },
    async adopt(owner, from) {
      const gone = new Set(from)
      const tx = handle().transaction(['claimed', 'drafts'], 'readwrite', STRICT)
      const adopted: Adopted = { claimed: [], drafts: [] }
      for (const e of await tx.objectStore('claimed').getAll()) {
        if (!gone.has(e.owner)) continue
        const moved = { ...e, owner }
        await tx.objectStore('claimed').put(moved)
        adopted.claimed.push(moved)
      }
      const drafts = tx.objectStore('drafts')
      for (const id of from) {
        const record = await drafts.get(id)
        if (!record) continue
        adopted.drafts.push(...record.events)
        await drafts.delete(id)
      }
      if (adopted.drafts.length) {
        const mine = (await drafts.get(owner))?.events ?? []
        await drafts.put({ owner, events: [...mine, ...adopted.drafts] })
      }
      await tx.done
      return adopted
    },
    async advanceSeq(lastSeq) {
      const tx = handle().transaction('meta', 'readwrite', STRICT)
      const next = ((await tx.store.get(seqKey(clientId))) as number | undefined) ?? 1
      if (lastSeq + 1 > next) await tx.store.put(lastSeq + 1, seqKey(clientId))
      await tx.done
    },
    async lease(leaseName, holder, ttlMs, now) {
      const tx = handle().transaction('leases', 'readwrite', STRICT)
      const current = await tx.store.get(leaseName)
      if (current && current.holder !== holder && current.expires > now) {
        await tx.done
        return false
      }
      await tx.store.put({ name: leaseName, holder, expires: now + ttlMs })
      await tx.done
      return true
    },
    async releaseLease(leaseName, holder) {
      if (!db) return
      const tx = db.transaction('leases', 'readwrite', STRICT)
      if ((await tx.store.get(leaseName))?.holder === holder) await tx.store.delete(leaseName)
      await tx.done
    },
    async liveLeases(now) {
      const all = await handle().getAll('leases')
      return all.filter((l) => l.expires > now).map((l) => l.name)
    },
    close() {
      db?.close()
      db = undefined
    },
  }
}
