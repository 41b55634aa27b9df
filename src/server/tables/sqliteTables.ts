import type BetterSqlite3 from 'better-sqlite3'
import { Mutex } from '../mutex'
import type { StorageTx, StoredEvent } from '../types'
import { SQLITE_DIALECT, sqliteSqlDb, type TableStorage, type TableTx } from './storage'

interface SqliteParts {
  writer: BetterSqlite3.Database
  /** Opens another connection to the same file (WAL: reads beside the writer). */
  open(): BetterSqlite3.Database
  /** `:memory:`: one connection for all, under the storage's mutex. */
  shared: boolean
  mutex: Mutex
  append<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T>
  readEvents(after: number, limit: number, tenant?: string): StoredEvent[]
}

/**
 * Table projections on SQLite. Writes run on the writer connection inside the append queue (one
 * writer per file is SQLite's own lease: no two transactions, of any process, apply at once).
 * Views read on a connection of their own, one read transaction at a time, so every statement
 * of a view sees one snapshot.
 */
export function sqliteTables(parts: SqliteParts): {
  tx: TableTx
  storage: TableStorage
  close(): Promise<void>
} {
  let tenant = ''
  parts.writer.function('strata_tenant', { deterministic: false }, () => tenant)
  const tx: TableTx = {
    db: sqliteSqlDb(parts.writer),
    dialect: SQLITE_DIALECT,
    setTenant: async (t) => {
      tenant = t
    },
    readEvents: async (after, limit, tenant) => parts.readEvents(after, limit, tenant),
    tryLock: async () => true,
  }
  let views: { db: BetterSqlite3.Database; sql: TableTx['db'] } | undefined
  const viewsMutex = new Mutex()
  const storage: TableStorage = {
    dialect: SQLITE_DIALECT,
    write: (fn) => parts.append((appendTx) => fn(appendTx.tables!)),
    read: (fn) => {
      if (parts.shared) return parts.mutex.run(() => fn(tx.db))
      return viewsMutex.run(async () => {
        if (closed) throw new Error('[strata] this SQLite storage is closed')
        if (!views) {
          const db = parts.open()
          views = { db, sql: sqliteSqlDb(db) }
        }
        views.db.exec('BEGIN')
        try {
          return await fn(views.sql)
        } finally {
          views.db.exec('COMMIT')
        }
      })
    },
  }
  let closed = false
  // After the view under way: its read transaction is not cut in the middle.
  const close = () => {
    closed = true
    return viewsMutex.run(async () => {
      views?.db.close()
    })
  }
  return { tx, storage, close }
}
