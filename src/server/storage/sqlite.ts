import type BetterSqlite3 from 'better-sqlite3'
import type { JsonValue } from '../../protocol'
import { Mutex } from '../mutex'
import { Signal } from '../signal'
import type { Checkpoint, ReadRequest, Storage, StorageTx } from '../types'
import {
  EVENT_COLUMNS,
  type EventRow,
  eventToRow,
  type ReceiptRow,
  rowToEvent,
  rowToReceipt,
} from './rows'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS strata_events (
  position INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  client_id TEXT NOT NULL,
  client_seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  stream TEXT NOT NULL,
  stream_version INTEGER NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  at REAL NOT NULL,
  command_id TEXT,
  fingerprint TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS strata_events_client ON strata_events (client_id, client_seq);
CREATE UNIQUE INDEX IF NOT EXISTS strata_events_stream ON strata_events (tenant, stream, stream_version);
-- Event ids are unique per client, not per tenant: another client's event with the same id is
-- a different event. Stores made before kept (tenant, id) unique in strata_events_id: the new
-- index is built first, then the old one dropped, so ids are never unguarded.
CREATE UNIQUE INDEX IF NOT EXISTS strata_events_client_id ON strata_events (client_id, id);
DROP INDEX IF EXISTS strata_events_id;
CREATE TABLE IF NOT EXISTS strata_rejections (
  client_id TEXT NOT NULL,
  client_seq INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  error TEXT NOT NULL,
  PRIMARY KEY (client_id, client_seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS strata_clients (
  client_id TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  last_seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS strata_checkpoints (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  state TEXT NOT NULL
) WITHOUT ROWID;
`

export interface SqliteStorageOptions {
  /** `FULL` (default) survives power loss; `NORMAL` only process crashes, and is faster. */
  synchronous?: 'FULL' | 'NORMAL'
  /** How long to wait for another process's write lock. Default 5000 ms. */
  busyTimeoutMs?: number
}

type Db = BetterSqlite3.Database

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

/**
 * SQLite through better-sqlite3, the embedded default. WAL lets one connection write while a
 * second reads committed data, so reads never see an append that is still open. Appends take the
 * write lock up front (`BEGIN IMMEDIATE`): their reads of lastSeq and stream versions can then not
 * go stale before they write, also against another process on the same file.
 */
export function sqliteStorage(path: string, options: SqliteStorageOptions = {}): Storage {
  // Loaded on use, so apps on PostgreSQL or memory need not install the native module.
  // `node:module` is looked up here too, so importing the server entry needs no Node built-ins.
  const { createRequire } = process.getBuiltinModule('node:module')
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
  const open = (): Db => {
    const db = new Database(path)
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`)
    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`)
    return db
  }
  const writer = open()
  writer.exec(SCHEMA)
  // An in-memory database exists once per connection: share it and serialize reads instead.
  const shared = path === ':memory:' || path === ''
  const reader = shared ? writer : open()
  const mutex = new Mutex()
  const heads = new Signal<number>()
  const cache = new Map<string, BetterSqlite3.Statement>()
  const sql = (db: Db, text: string) => {
    const k = `${db === writer ? 'w' : 'r'}${text}`
    let statement = cache.get(k)
    if (!statement) {
      statement = db.prepare(text)
      cache.set(k, statement)
    }
    return statement
  }
  // Statements whose text depends only on a count, cached by name and count: building and
  // hashing a long SQL string on every append costs more than running it.
  const sized = new Map<string, BetterSqlite3.Statement>()
  const sqlFor = (name: string, count: number, text: () => string) => {
    const k = `${name}:${count}`
    let statement = sized.get(k)
    if (!statement) {
      statement = writer.prepare(text())
      sized.set(k, statement)
    }
    return statement
  }
  const marks = (n: number) => Array(n).fill('?').join(',')
  const headOf = (db: Db) =>
    sql(db, 'SELECT coalesce(max(position), 0) AS head FROM strata_events').pluck().get() as number
  const checkpointOf = (db: Db, name: string): Checkpoint | undefined => {
    const row = sql(db, 'SELECT position, state FROM strata_checkpoints WHERE name = ?').get(
      name,
    ) as { position: number; state: string } | undefined
    return row && { position: row.position, state: JSON.parse(row.state) as JsonValue }
  }
  const insertEvent = `INSERT INTO strata_events (${EVENT_COLUMNS.join(', ')}) VALUES`

  // Prepared once: parsing BEGIN/COMMIT on every append is measurable at this rate.
  const begin = writer.prepare('BEGIN IMMEDIATE')
  const commit = writer.prepare('COMMIT')
  let inserted = 0
  const tx: StorageTx = {
    head: async () => headOf(writer),
    client: async (clientId) => {
      const row = sql(writer, 'SELECT * FROM strata_clients WHERE client_id = ?').get(
        clientId,
      ) as any
      return (
        row && {
          clientId: row.client_id,
          principalId: row.principal_id,
          tenant: row.tenant,
          lastSeq: row.last_seq,
        }
      )
    },
    receipts: async (clientId, fromSeq, toSeq) =>
      (
        sql(
          writer,
          `SELECT client_seq, fingerprint, position, NULL AS error FROM strata_events
             WHERE client_id = @clientId AND client_seq BETWEEN @fromSeq AND @toSeq
           UNION ALL SELECT client_seq, fingerprint, NULL, error FROM strata_rejections
             WHERE client_id = @clientId AND client_seq BETWEEN @fromSeq AND @toSeq`,
        ).all({ clientId, fromSeq, toSeq }) as ReceiptRow[]
      ).map(rowToReceipt),
    streamVersions: async (tenant, streams) => {
      // One lookup per stream: a lone max() over the index is O(log n), while a grouped max()
      // over several streams scans every event of them.
      const statement = sql(
        writer,
        'SELECT max(stream_version) FROM strata_events WHERE tenant = ? AND stream = ?',
      ).pluck()
      const out = new Map<string, number>()
      for (const stream of streams) {
        const version = statement.get(tenant, stream) as number | null
        if (version !== null) out.set(stream, version)
      }
      return out
    },
    existingIds: async (clientId, ids) => {
      // One statement per chunk instead of one per id; statements are cached per length.
      const found = new Map<string, number>()
      for (const chunk of chunks(ids, 500)) {
        const statement = sqlFor(
          'ids',
          chunk.length,
          () =>
            `SELECT id, position FROM strata_events WHERE client_id = ? AND id IN (${marks(chunk.length)})`,
        ).raw()
        for (const [id, position] of statement.all(clientId, ...chunk) as [string, number][]) {
          found.set(id, position)
        }
      }
      return found
    },
    insertEvents: async (events) => {
      const statement = sqlFor('insert', 1, () => `${insertEvent} (${marks(EVENT_COLUMNS.length)})`)
      for (const event of events) statement.run(...eventToRow(event))
      inserted = events.at(-1)?.position ?? inserted
    },
    insertRejections: async (rejections) => {
      const statement = sql(writer, 'INSERT INTO strata_rejections VALUES (?, ?, ?, ?)')
      for (const r of rejections)
        statement.run(r.clientId, r.clientSeq, r.fingerprint, JSON.stringify(r.error))
    },
    saveClient: async (c) => {
      sql(writer, 'INSERT OR REPLACE INTO strata_clients VALUES (?, ?, ?, ?)').run(
        c.clientId,
        c.principalId,
        c.tenant,
        c.lastSeq,
      )
    },
    readEvents: async (after, limit) =>
      (
        sql(writer, 'SELECT * FROM strata_events WHERE position > ? ORDER BY position LIMIT ?').all(
          after,
          limit,
        ) as EventRow[]
      ).map((r) => rowToEvent(r, true)),
    loadCheckpoint: async (name) => checkpointOf(writer, name),
    saveCheckpoint: async (name, cp) => {
      sql(writer, 'INSERT OR REPLACE INTO strata_checkpoints VALUES (?, ?, ?)').run(
        name,
        cp.position,
        JSON.stringify(cp.state),
      )
    },
  }

  const read = (request: ReadRequest) => {
    const where = ['position > ?']
    const params: unknown[] = [request.after]
    if (request.tenant !== undefined) {
      where.push('tenant = ?')
      params.push(request.tenant)
    }
    if (request.streams) {
      where.push(`stream IN (${request.streams.map(() => '?').join(', ')})`)
      params.push(...request.streams)
    }
    const rows = reader
      .prepare(`SELECT * FROM strata_events WHERE ${where.join(' AND ')} ORDER BY position LIMIT ?`)
      .all(...params, request.limit) as EventRow[]
    const client =
      request.clientId === undefined
        ? undefined
        : (sql(reader, 'SELECT * FROM strata_clients WHERE client_id = ?').get(
            request.clientId,
          ) as any)
    return {
      events: rows.map((r) => rowToEvent(r, true)),
      head: headOf(reader),
      client: client && {
        clientId: client.client_id,
        principalId: client.principal_id,
        tenant: client.tenant,
        lastSeq: client.last_seq,
      },
    }
  }
  // One deferred transaction: the events, the head and lastSeq come from one snapshot.
  const readSnapshot = reader.transaction(read)
  const onReader = <T>(fn: () => T): Promise<T> =>
    shared ? mutex.run(async () => fn()) : Promise.resolve().then(fn)

  return {
    kind: 'sqlite',
    append: (fn) =>
      mutex.run(async () => {
        inserted = 0
        begin.run()
        try {
          const result = await fn(tx)
          commit.run()
          if (inserted) heads.emit(inserted)
          return result
        } catch (error) {
          if (writer.inTransaction) writer.exec('ROLLBACK')
          throw error
        }
      }),
    read: (request) => onReader(() => readSnapshot(request)),
    head: () => onReader(() => headOf(reader)),
    loadCheckpoint: (name) => onReader(() => checkpointOf(reader, name)),
    saveCheckpoint: (name, expected, cp) =>
      mutex.run(async () => {
        const state = JSON.stringify(cp.state)
        const result =
          expected === null
            ? sql(
                writer,
                'INSERT INTO strata_checkpoints VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
              ).run(name, cp.position, state)
            : sql(
                writer,
                'UPDATE strata_checkpoints SET position = ?, state = ? WHERE name = ? AND position = ?',
              ).run(cp.position, state, name, expected)
        return result.changes === 1
      }),
    subscribe: (listener) => heads.subscribe(listener),
    close: () =>
      mutex.run(async () => {
        if (reader !== writer) reader.close()
        writer.close()
      }),
  }
}
