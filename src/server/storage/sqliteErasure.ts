import type BetterSqlite3 from 'better-sqlite3'
import { ERASURE_STREAM } from '../../protocol/personal'
import type { ErasureStorage, ErasureTx } from '../erasure/types'
import { coalesced } from './coalesce'
import { prefixEnd, scopeOf } from './rows'

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
    key BLOB,
    first_position INTEGER,
    due INTEGER,
    PRIMARY KEY (tenant, subject)
  ) WITHOUT ROWID`)
  // A table made before keys recorded where their subject starts: its rows read null (a scan).
  // One made before forgets recorded their later steps as due (`due`: 1 until done).
  const columns = writer.pragma('table_info(strata_subject_keys)') as { name: string }[]
  if (!columns.some((c) => c.name === 'first_position'))
    writer.exec('ALTER TABLE strata_subject_keys ADD COLUMN first_position INTEGER')
  if (!columns.some((c) => c.name === 'due'))
    writer.exec('ALTER TABLE strata_subject_keys ADD COLUMN due INTEGER')
  writer.pragma('secure_delete = ON')
  const insert = writer.prepare(
    `INSERT INTO strata_subject_keys (tenant, subject, key, first_position) VALUES (?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
  )
  const had = writer
    .prepare(
      'SELECT 1 FROM strata_subject_keys WHERE tenant = ? AND subject = ? AND key IS NOT NULL',
    )
    .pluck()
  const tombstone = writer.prepare(
    `INSERT INTO strata_subject_keys (tenant, subject, key, due) VALUES (?, ?, NULL, ?)
     ON CONFLICT (tenant, subject) DO UPDATE SET key = NULL, due = coalesce(excluded.due, due)`,
  )
  const dueOf = writer
    .prepare('SELECT due FROM strata_subject_keys WHERE tenant = ? AND subject = ?')
    .pluck()
  // A range of the primary key (name, scope): the names that start with the prefix, not a scan
  // of every checkpoint of every tenant. The substr form is kept for a prefix without an end.
  const dropRange = writer.prepare(
    'DELETE FROM strata_checkpoints WHERE name >= ? AND name < ? AND scope = ? AND position >= ?',
  )
  const dropCheckpoints = writer.prepare(
    'DELETE FROM strata_checkpoints WHERE scope = ? AND substr(name, 1, ?) = ? AND position >= ?',
  )
  return {
    subjectKeys: async (tenant, subjects) => keysOf(writer, tenant, subjects),
    addSubjectKeys: async (tenant, keys, firsts) => {
      for (const [subject, key] of keys)
        insert.run(tenant, subject, Buffer.from(key), firsts?.get(subject) ?? null)
    },
    deleteSubjectKey: async (tenant, subject) => {
      const existed = had.get(tenant, subject) !== undefined
      tombstone.run(tenant, subject, existed ? 1 : null)
      return existed
    },
    forgetDue: async (tenant, subject) => dueOf.get(tenant, subject) === 1,
    forgottenSubjects: async (tenant, subjects) =>
      new Set(rowsOf(writer, 'tombstones', tenant, subjects).map(([subject]) => subject)),
    deleteCheckpoints: async (tenant, prefix, from = 0) => {
      const end = prefixEnd(prefix)
      if (end !== undefined) dropRange.run(prefix, end, scopeOf(tenant), from)
      else dropCheckpoints.run(scopeOf(tenant), [...prefix].length, prefix, from)
    },
  }
}

export function sqliteErasureStorage(
  reader: Db,
  writer: Db,
  onReader: <T>(fn: () => T) => Promise<T>,
  onWriter: <T>(fn: () => Promise<T>) => Promise<T>,
): ErasureStorage {
  const erasuresOf = reader
    .prepare('SELECT max(stream_version) FROM strata_events WHERE tenant = ? AND stream = ?')
    .pluck()
  const done = writer.prepare(
    'UPDATE strata_subject_keys SET due = NULL WHERE tenant = ? AND subject = ? AND due IS NOT NULL',
  )
  const firstOf = reader
    .prepare('SELECT first_position FROM strata_subject_keys WHERE tenant = ? AND subject = ?')
    .raw()
  return {
    subjectKeys: (tenant, subjects) => onReader(() => keysOf(reader, tenant, subjects)),
    firstSealed: (tenant, subject) =>
      onReader(() => (firstOf.get(tenant, subject) as [number | null] | undefined)?.[0]),
    // One lookup in the (tenant, stream, version) index.
    erasures: (tenant) =>
      onReader(() => (erasuresOf.get(tenant, ERASURE_STREAM) as number | null) ?? 0),
    forgetDone: (tenant, subject) =>
      onWriter(async () => {
        done.run(tenant, subject)
      }),
    // Forgets at once share a truncation (coalesce.ts), as on PostgreSQL; it costs a few ms, so
    // no pause after it.
    wipeDeleted: coalesced(() =>
      onWriter(async () => {
        // A reader in the middle of a snapshot keeps old frames needed: try again a few times.
        for (let i = 0; i < 50; i++) {
          const [row] = writer.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]
          if (!row?.busy) return
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        throw new Error('[strata] the SQLite WAL could not be truncated: a reader stays open')
      }),
    ),
  }
}

const selects = new WeakMap<Db, Map<string, BetterSqlite3.Statement>>()
const CHUNK = 200
const WHERE = { keys: 'key IS NOT NULL', tombstones: 'key IS NULL' }

/**
 * The rows of these subjects with a key, or without (tombstones): one statement per chunk of
 * subjects (cached per connection, kind and size), not one per subject.
 */
function rowsOf(
  db: Db,
  kind: keyof typeof WHERE,
  tenant: string,
  subjects: readonly string[],
): [string, Buffer | null][] {
  const out: [string, Buffer | null][] = []
  const unique = [...new Set(subjects)]
  const cache = selects.get(db) ?? new Map<string, BetterSqlite3.Statement>()
  selects.set(db, cache)
  for (let i = 0; i < unique.length; i += CHUNK) {
    const chunk = unique.slice(i, i + CHUNK)
    let statement = cache.get(`${kind}:${chunk.length}`)
    if (!statement) {
      statement = db
        .prepare(
          `SELECT subject, key FROM strata_subject_keys WHERE tenant = ? AND ${WHERE[kind]} AND subject IN (${chunk.map(() => '?').join(',')})`,
        )
        .raw()
      cache.set(`${kind}:${chunk.length}`, statement)
    }
    for (const row of statement.all(tenant, ...chunk) as [string, Buffer | null][]) out.push(row)
  }
  return out
}

function keysOf(db: Db, tenant: string, subjects: readonly string[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>()
  for (const [subject, key] of rowsOf(db, 'keys', tenant, subjects))
    out.set(subject, new Uint8Array(key!.buffer, key!.byteOffset, key!.byteLength))
  return out
}
