import type BetterSqlite3 from 'better-sqlite3'
import type { ErasureStorage, ErasureTx } from '../erasure/types'
import { scopeOf } from './rows'

type Db = BetterSqlite3.Database

/**
 * The subject keys of crypto-shredding, in their own table (made on open if missing: it needs no
 * migration of the others). The writer deletes with `secure_delete` on, so a deleted key or an
 * overwritten checkpoint state is zeroed in its page rather than left in free space; the WAL,
 * which still holds the pages as they were, is truncated after a forget (`wipeDeleted`).
 */
export function sqliteErasureTx(writer: Db): ErasureTx {
  writer.exec(`CREATE TABLE IF NOT EXISTS strata_subject_keys (
    tenant TEXT NOT NULL,
    subject TEXT NOT NULL,
    key BLOB NOT NULL,
    PRIMARY KEY (tenant, subject)
  ) WITHOUT ROWID`)
  writer.pragma('secure_delete = ON')
  const insert = writer.prepare(
    'INSERT INTO strata_subject_keys (tenant, subject, key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  )
  const remove = writer.prepare('DELETE FROM strata_subject_keys WHERE tenant = ? AND subject = ?')
  const dropCheckpoints = writer.prepare(
    'DELETE FROM strata_checkpoints WHERE scope = ? AND substr(name, 1, ?) = ?',
  )
  return {
    subjectKeys: async (tenant, subjects) => keysOf(writer, tenant, subjects),
    addSubjectKeys: async (tenant, keys) => {
      for (const [subject, key] of keys) insert.run(tenant, subject, Buffer.from(key))
    },
    deleteSubjectKey: async (tenant, subject) => remove.run(tenant, subject).changes > 0,
    deleteCheckpoints: async (tenant, prefix) => {
      dropCheckpoints.run(scopeOf(tenant), prefix.length, prefix)
    },
  }
}

export function sqliteErasureStorage(
  reader: Db,
  writer: Db,
  onReader: <T>(fn: () => T) => Promise<T>,
  onWriter: <T>(fn: () => Promise<T>) => Promise<T>,
): ErasureStorage {
  return {
    subjectKeys: (tenant, subjects) => onReader(() => keysOf(reader, tenant, subjects)),
    wipeDeleted: () =>
      onWriter(async () => {
        // A reader in the middle of a snapshot keeps old frames needed: try again a few times.
        for (let i = 0; i < 50; i++) {
          const [row] = writer.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]
          if (!row?.busy) return
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        throw new Error('[strata] the SQLite WAL could not be truncated: a reader stays open')
      }),
  }
}

const selects = new WeakMap<Db, BetterSqlite3.Statement>()

function keysOf(db: Db, tenant: string, subjects: readonly string[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>()
  if (!subjects.length) return out
  let statement = selects.get(db)
  if (!statement) {
    statement = db
      .prepare('SELECT key FROM strata_subject_keys WHERE tenant = ? AND subject = ?')
      .pluck()
    selects.set(db, statement)
  }
  for (const subject of new Set(subjects)) {
    const key = statement.get(tenant, subject) as Buffer | undefined
    if (key) out.set(subject, new Uint8Array(key))
  }
  return out
}
