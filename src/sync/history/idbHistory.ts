import type { IDBPDatabase, IDBPTransaction } from 'idb'
import { compareTokens } from '../../protocol/index'
import type { HistoryStorage, PageRecord, SnapshotRecord } from './records'

/** The object stores the history adds to the outbox's database (schema version 2). */
export function createHistoryStores(db: IDBDatabase): void {
  if (!db.objectStoreNames.contains('snapshots')) {
    db.createObjectStore('snapshots', { keyPath: 'version' })
  }
  if (!db.objectStoreNames.contains('pages')) {
    const pages = db.createObjectStore('pages', { keyPath: ['version', 'end'] })
    pages.createIndex('start', ['version', 'start'])
    pages.createIndex('from', ['version', 'from'])
  }
}

type Db = IDBPDatabase<any>
type Tx = IDBPTransaction<any, string[], 'readwrite'>

/** Replaces the shorter pages with the same start (a tail written with a snapshot). */
async function putPage(tx: Tx, page: PageRecord): Promise<void> {
  const pages = tx.objectStore('pages')
  for (const key of await pages.index('start').getAllKeys([page.version, page.start])) {
    const [, end] = key as [string, string]
    if (end !== page.end) await pages.delete(key)
  }
  await pages.put(page)
}

/** Snapshots and pages in the outbox's database, opened and closed with it. */
export function idbHistory(handle: () => Db): HistoryStorage {
  return {
    async loadSnapshot(version) {
      // None of this version: another's, if any, so the caller can say why it is not used.
      return (
        (await handle().get('snapshots', version)) ??
        (await handle().getAll('snapshots', undefined, 1))[0]
      )
    },
    async saveSnapshot(snapshot: SnapshotRecord, tail, settledSeqs) {
      const tx = handle().transaction(['snapshots', 'pages', 'claimed'], 'readwrite') as Tx
      const snapshots = tx.objectStore('snapshots')
      const stored = (await snapshots.get(snapshot.version)) as SnapshotRecord | undefined
      // Another tab may have kept a newer one; both fold the same settled events.
      if (!stored || compareTokens(stored.position, snapshot.position) <= 0) {
        await snapshots.put(snapshot)
        if (tail) await putPage(tx, tail)
      }
      const claimed = tx.objectStore('claimed')
      for (const seq of settledSeqs) await claimed.delete(seq)
      await tx.done
    },
    async savePage(page) {
      const tx = handle().transaction(['pages'], 'readwrite') as Tx
      await putPage(tx, page)
      await tx.done
    },
    async pageEndingAt(version, end) {
      return handle().get('pages', [version, end])
    },
    async pageStartingAt(version, start) {
      const pages = (await handle().getAllFromIndex('pages', 'start', [
        version,
        start,
      ])) as PageRecord[]
      return pages.reduce<PageRecord | undefined>(
        (best, p) => (!best || p.events.length > best.events.length ? p : best),
        undefined,
      )
    },
    async prune(version, keep) {
      const tx = handle().transaction(['pages'], 'readwrite') as Tx
      const pages = tx.objectStore('pages')
      for (const key of await pages.getAllKeys()) {
        if ((key as [string, string])[0] !== version) await pages.delete(key)
      }
      let extra =
        (await pages.index('from').count(IDBKeyRange.bound([version], [version, []]))) - keep
      let cursor =
        extra > 0
          ? await pages.index('from').openKeyCursor(IDBKeyRange.bound([version], [version, []]))
          : null
      while (cursor && extra-- > 0) {
        await pages.delete(cursor.primaryKey)
        cursor = await cursor.continue()
      }
      await tx.done
    },
    async clear() {
      const tx = handle().transaction(['snapshots', 'pages'], 'readwrite') as Tx
      await tx.objectStore('snapshots').clear()
      await tx.objectStore('pages').clear()
      await tx.done
    },
  }
}
