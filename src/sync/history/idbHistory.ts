import type { IDBPDatabase, IDBPTransaction } from 'idb'
import { compareTokens, START_TOKEN } from '../../protocol/index'
import type { HistoryStorage, PageRecord, SnapshotRecord } from './records'

/**
 * The object stores the history adds to the outbox's database: snapshots and pages (schema
 * version 2), and beside each page the state before it, under the page's key (version 3; the
 * pages of version 2 held their state inline, so they are dropped: a cache of server events).
 */
export function createHistoryStores(db: IDBDatabase, oldVersion: number): void {
  if (oldVersion < 2) db.createObjectStore('snapshots', { keyPath: 'version' })
  if (oldVersion < 3) {
    if (oldVersion === 2) db.deleteObjectStore('pages')
    const pages = db.createObjectStore('pages', { keyPath: ['version', 'end'] })
    pages.createIndex('start', ['version', 'start'])
    pages.createIndex('from', ['version', 'from'])
    db.createObjectStore('bases')
  }
}

type Db = IDBPDatabase<any>
type Tx = IDBPTransaction<any, string[], 'readwrite'>

/** Replaces the shorter pages with the same start (a tail written with a snapshot). */
async function putPage(tx: Tx, page: PageRecord, base: unknown): Promise<void> {
  const pages = tx.objectStore('pages')
  const bases = tx.objectStore('bases')
  for (const key of await pages.index('start').getAllKeys([page.version, page.start])) {
    const [, end] = key as [string, string]
    if (end !== page.end) {
      await pages.delete(key)
      await bases.delete(key)
    }
  }
  await pages.put(page)
  await bases.put(base, [page.version, page.end])
}

/**
 * Snapshots and pages in the outbox's database, opened and closed with it; `writing` opens the
 * transactions that write them (refused after an erasure this tab has not caught up with).
 */
export function idbHistory(
  handle: () => Db,
  writing: (names: string[]) => Promise<Tx>,
): HistoryStorage {
  return {
    async loadSnapshot(version) {
      // None of this version: another's, if any, so the caller can say why it is not used.
      return (
        (await handle().get('snapshots', version)) ??
        (await handle().getAll('snapshots', undefined, 1))[0]
      )
    },
    async saveSnapshot(snapshot: SnapshotRecord, tail, settledSeqs) {
      const tx = await writing(['snapshots', 'pages', 'bases', 'claimed'])
      const snapshots = tx.objectStore('snapshots')
      const stored = (await snapshots.get(snapshot.version)) as SnapshotRecord | undefined
      // Another tab may have kept a newer one; both fold the same settled events.
      if (!stored || compareTokens(stored.position, snapshot.position) <= 0) {
        await snapshots.put(snapshot)
        if (tail) await putPage(tx, tail.page, tail.base)
      }
      const claimed = tx.objectStore('claimed')
      for (const seq of settledSeqs) await claimed.delete(seq)
      await tx.done
    },
    async savePage(page, base) {
      const tx = await writing(['pages', 'bases'])
      await putPage(tx, page, base)
      await tx.done
    },
    async pagesEndingAt(version, end, count) {
      const tx = handle().transaction(['pages', 'bases'], 'readonly')
      const pages = tx.objectStore('pages')
      const found: PageRecord[] = []
      let events = 0
      let at = end
      while (events < count && at !== START_TOKEN) {
        const page = (await pages.get([version, at])) as PageRecord | undefined
        if (!page || page.start === page.end) break
        found.push(page)
        events += page.events.length
        at = page.start
      }
      // Written and pruned with its page, in the same transactions.
      const base = found.length
        ? await tx.objectStore('bases').get([version, found[found.length - 1]!.end])
        : undefined
      await tx.done
      return found.length ? { pages: found.reverse(), base } : undefined
    },
    async prune(version, keep) {
      const tx = handle().transaction(['pages', 'bases'], 'readwrite') as Tx
      const pages = tx.objectStore('pages')
      const bases = tx.objectStore('bases')
      for (const store of [pages, bases]) {
        for (const key of await store.getAllKeys()) {
          if ((key as [string, string])[0] !== version) await store.delete(key)
        }
      }
      let extra =
        (await pages.index('from').count(IDBKeyRange.bound([version], [version, []]))) - keep
      let cursor =
        extra > 0
          ? await pages.index('from').openKeyCursor(IDBKeyRange.bound([version], [version, []]))
          : null
      while (cursor && extra-- > 0) {
        await pages.delete(cursor.primaryKey)
        await bases.delete(cursor.primaryKey)
        cursor = await cursor.continue()
      }
      await tx.done
    },
    async clear() {
      const tx = handle().transaction(['snapshots', 'pages', 'bases'], 'readwrite') as Tx
      await tx.objectStore('snapshots').clear()
      await tx.objectStore('pages').clear()
      await tx.objectStore('bases').clear()
      await tx.done
    },
  }
}
