import type BetterSqlite3 from 'better-sqlite3'
import type { JsonValue } from '../../protocol'
import { Mutex } from '../mutex'
import { Signal } from '../signal'
import { sqliteTables } from '../tables/sqliteTables'
import type { Checkpoint, Commit, Storage, StorageTx } from '../types'
import {
  EVENT_COLUMNS,
  eventToRow,
  prefixEnd,
  type ReceiptRow,
  rowToClient,
  rowToReceipt,
  scopeOf,
} from './rows'
import { sqliteErasureStorage, sqliteErasureTx } from './sqliteErasure'
import { sqliteReads } from './sqliteRead'
import { migrateSqlite } from './sqliteSchema'
import { turns } from './turns'

export interface SqliteStorageOptions {
  /** `FULL` (default) survives power loss; `NORMAL` only process crashes, and is faster. */
  synchronous?: 'FULL' | 'NORMAL'
  /** How long to wait for another process's write lock. Default 5000 ms. */
  busyTimeoutMs?: number
  /**
   * How long a transaction of appends stays open for more to join it while they keep coming
   * (group commit: one fsync for all). Default 10 ms; 0 commits each batch of queued appends.
   */
  groupCommitMs?: number
}

type Db = BetterSqlite3.Database

/** The most appends one transaction holds. */
const GROUP_JOBS = 100

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
  createPrivately(path)
  const writer = open()
  migrateSqlite(writer)
  // Appends after the first of a transaction run in savepoints, and a savepoint copies each page
  // it changes to a statement journal, which past 64 KiB spills to a temporary file: that was 60%
  // of the writes of grouped appends (103k pwrite calls for 100k events from 10 writers; 41k
  // with the journal in memory). Sorts (CREATE INDEX, ORDER BY) still spill to files. Set after
  // the migration, whose temporary tables could be large.
  writer.pragma('temp_store = MEMORY')
  const erasureTx = sqliteErasureTx(writer)
  // An in-memory database exists once per connection: share it and serialize reads instead.
  const shared = path === ':memory:' || path === ''
  const reader = shared ? writer : open()
  const mutex = new Mutex()
  const commits = new Signal<Commit>()
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
  const { headOf, readRows, read, readText, readPage } = sqliteReads(reader, sql)
  const checkpointOf = (db: Db, name: string, tenant?: string): Checkpoint | undefined => {
    const row = sql(
      db,
      'SELECT position, state FROM strata_checkpoints WHERE name = ? AND scope = ?',
    ).get(name, scopeOf(tenant)) as { position: number; state: string } | undefined
    return row && { position: row.position, state: JSON.parse(row.state) as JsonValue }
  }
  const insertEvent = `INSERT INTO strata_events (${EVENT_COLUMNS.join(', ')}) VALUES`

  // Prepared once: parsing BEGIN/COMMIT on every append is measurable at this rate.
  const begin = writer.prepare('BEGIN IMMEDIATE')
  const commit = writer.prepare('COMMIT')
  const savepoint = writer.prepare('SAVEPOINT strata_append')
  const release = writer.prepare('RELEASE strata_append')
  const rollbackTo = writer.prepare('ROLLBACK TO strata_append')

  /**
   * Appends run together in one transaction, each after the first in its own savepoint: one that
   * throws is rolled back alone, and the group pays one fsync, which with many writers is most of the cost of an
   * append (group commit). A group stays open while appends keep coming: after each pass it waits
   * one turn of the event loop, and takes whatever arrived meanwhile, until a turn brings none, or
   * it has been open `groupCommitMs` or holds GROUP_JOBS. Committing at once instead made every group one
   * append long: the others were still reading their bodies, and the fsync blocks the thread.
   * Nothing is answered before its group commits.
   */
  interface Job {
    fn: (tx: StorageTx) => Promise<unknown>
    resolve(value: any): void
    reject(error: unknown): void
  }
  const waiting: Job[] = []
  let scheduled = false
  const schedule = () => {
    if (scheduled || !waiting.length) return
    scheduled = true
    void mutex.run(group)
  }
  const groupMs = options.groupCommitMs ?? 10
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve))
  const group = async () => {
    // Queued before a close that ran first: told so, not run on a closed connection.
    if (closed) {
      for (const job of waiting.splice(0)) job.reject(closedError())
      scheduled = false
      return
    }
    const jobs: Job[] = []
    inserted = 0
    tenantHeads = new Map()
    const outcomes: { ok: boolean; value: unknown }[] = []
    // Whether the open transaction holds an append that went through.
    let held = false
    try {
      begin.run()
      const opened = performance.now()
      while (waiting.length) {
        const pass = waiting.splice(0, GROUP_JOBS - jobs.length)
        jobs.push(...pass)
        for (const job of pass) {
          // The first append of a transaction needs no savepoint (the transaction is its own):
          // a savepoint copies every page it changes to a statement journal first.
          const alone = !held
          const mark = { inserted, heads: new Map(tenantHeads) }
          if (!alone) savepoint.run()
          try {
            outcomes.push({ ok: true, value: await job.fn(tx) })
            if (!alone) release.run()
            held = true
          } catch (error) {
            if (alone) {
              if (writer.inTransaction) writer.exec('ROLLBACK')
              begin.run()
            } else {
              rollbackTo.run()
              release.run()
            }
            inserted = mark.inserted
            tenantHeads = mark.heads
            outcomes.push({ ok: false, value: error })
          }
        }
        if (jobs.length >= GROUP_JOBS || performance.now() - opened >= groupMs) break
        await nextTurn()
      }
      commit.run()
    } catch (error) {
      if (writer.inTransaction) writer.exec('ROLLBACK')
      // A BEGIN that failed took no job yet: those waiting are told too, or the `finally` below
      // would schedule them again at once, and again (a loop of microtasks that starves the
      // event loop, as an append on a closed connection did).
      for (const job of [...jobs, ...waiting.splice(0)]) job.reject(error)
      return
    } finally {
      // Appends that came after this group closed form the next one.
      scheduled = false
      schedule()
    }
    if (inserted) commits.emit({ head: inserted, tenants: tenantHeads })
    jobs.forEach((job, i) => {
      const outcome = outcomes[i]!
      if (outcome.ok) job.resolve(outcome.value)
      else job.reject(outcome.value)
    })
  }
  let inserted = 0
  let tenantHeads = new Map<string, number>()
  let closed = false
  const enqueue = <T>(fn: (tx: StorageTx) => Promise<T>): Promise<T> =>
    new Promise((resolve, reject) => {
      if (closed) return reject(closedError())
      waiting.push({ fn, resolve, reject })
      schedule()
    })
  const tables = sqliteTables({
    writer,
    open,
    shared,
    mutex,
    append: enqueue,
    readEvents: (after, limit, tenant) => readRows(writer, { after, limit, tenant }),
  })
  const tx: StorageTx = {
    tables: tables.tx,
    head: async () => headOf(writer),
    tenantHead: async (tenant) => headOf(writer, tenant),
    client: async (tenant, clientId) =>
      rowToClient(
        sql(writer, 'SELECT * FROM strata_clients WHERE tenant = ? AND client_id = ?').get(
          tenant,
          clientId,
        ),
      ),
    receipts: async (tenant, clientId, fromSeq, toSeq) =>
      (
        sql(
          writer,
          `SELECT client_seq, fingerprint, tenant_position AS position, NULL AS error FROM strata_events
             WHERE tenant = @tenant AND client_id = @clientId AND client_seq BETWEEN @fromSeq AND @toSeq
           UNION ALL SELECT client_seq, fingerprint, NULL, error FROM strata_rejections
             WHERE tenant = @tenant AND client_id = @clientId AND client_seq BETWEEN @fromSeq AND @toSeq`,
        ).all({ tenant, clientId, fromSeq, toSeq }) as ReceiptRow[]
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
    existingIds: async (tenant, clientId, ids) => {
      // One statement per chunk instead of one per id; statements are cached per length.
      const found = new Map<string, number>()
      for (const chunk of chunks(ids, 500)) {
        const statement = sqlFor(
          'ids',
          chunk.length,
          () =>
            `SELECT id, tenant_position FROM strata_events WHERE tenant = ? AND client_id = ? AND id IN (${marks(chunk.length)})`,
        ).raw()
        const rows = statement.all(tenant, clientId, ...chunk) as [string, number][]
        for (const [id, position] of rows) {
          found.set(id, position)
        }
      }
      return found
    },
    insertEvents: async (events) => {
      const statement = sqlFor('insert', 1, () => `${insertEvent} (${marks(EVENT_COLUMNS.length)})`)
      for (const event of events) {
        statement.run(...eventToRow(event))
        tenantHeads.set(event.tenant, event.tenantPosition)
      }
      inserted = events.at(-1)?.position ?? inserted
    },
    insertRejections: async (rejections) => {
      const statement = sql(
        writer,
        'INSERT INTO strata_rejections (tenant, client_id, client_seq, fingerprint, error) VALUES (?, ?, ?, ?, ?)',
      )
      for (const r of rejections)
        statement.run(r.tenant, r.clientId, r.clientSeq, r.fingerprint, JSON.stringify(r.error))
    },
    saveClient: async (c) => {
      sql(
        writer,
        'INSERT OR REPLACE INTO strata_clients (tenant, client_id, principal_id, last_seq) VALUES (?, ?, ?, ?)',
      ).run(c.tenant, c.clientId, c.principalId, c.lastSeq)
    },
    readEvents: async (after, limit, tenant) => readRows(writer, { after, limit, tenant }),
    loadCheckpoint: async (name, tenant) => checkpointOf(writer, name, tenant),
    saveCheckpoint: async (name, cp, tenant) => {
      sql(
        writer,
        'INSERT OR REPLACE INTO strata_checkpoints (name, scope, position, state) VALUES (?, ?, ?, ?)',
      ).run(name, scopeOf(tenant), cp.position, JSON.stringify(cp.state))
    },
    ...erasureTx,
  }

  const turn = turns()
  const onReader = <T>(fn: () => T): Promise<T> => (shared ? mutex.run(() => turn(fn)) : turn(fn))

  return {
    kind: 'sqlite',
    ...sqliteErasureStorage(reader, writer, onReader, (fn) => mutex.run(fn)),
    append: enqueue,
    read: (request) => onReader(() => read(request)),
    readText: (request) => onReader(() => readText(request)),
    readPage: (request) => onReader(() => readPage(request)),
    head: (tenant) => onReader(() => headOf(reader, tenant)),
    globalPosition: (tenant, tenantPosition) =>
      onReader(() =>
        tenantPosition === 0
          ? 0
          : ((sql(
              reader,
              'SELECT position FROM strata_events WHERE tenant = ? AND tenant_position = ?',
            )
              .pluck()
              .get(tenant, tenantPosition) as number | undefined) ?? undefined),
      ),
    loadCheckpoint: (name, tenant) => onReader(() => checkpointOf(reader, name, tenant)),
    lastCheckpoint: (prefix, atMost, tenant) =>
      onReader(() => {
        // The names' range on the primary key (snapshot names are ASCII: an end always exists).
        const row = sql(
          reader,
          `SELECT position, state FROM strata_checkpoints WHERE name >= ? AND name < ? AND scope = ?
           AND position <= ? ORDER BY position DESC LIMIT 1`,
        ).get(prefix, prefixEnd(prefix) ?? '\u{10ffff}', scopeOf(tenant), atMost) as
          | { position: number; state: string }
          | undefined
        return row && { position: row.position, state: JSON.parse(row.state) as JsonValue }
      }),
    saveCheckpoint: (name, expected, cp, tenant) =>
      mutex.run(async () => {
        const state = JSON.stringify(cp.state)
        const scope = scopeOf(tenant)
        const result =
          expected === null
            ? sql(
                writer,
                `INSERT INTO strata_checkpoints (name, scope, position, state) VALUES (?, ?, ?, ?)
                 ON CONFLICT (name, scope) DO NOTHING`,
              ).run(name, scope, cp.position, state)
            : sql(
                writer,
                'UPDATE strata_checkpoints SET position = ?, state = ? WHERE name = ? AND scope = ? AND position = ?',
              ).run(cp.position, state, name, scope, expected)
        return result.changes === 1
      }),
    subscribe: (listener) => commits.subscribe(listener),
    tables: tables.storage,
    // Appends from now on are refused; the transaction under way (a table batch too) commits
    // first, then the connections close, so the same file can be opened again in this process
    // without waiting on a lock this one still holds.
    close: () => {
      closed = true
      return mutex.run(async () => {
        await tables.close()
        if (reader !== writer) reader.close()
        writer.close()
      })
    },
  }
}

const closedError = () =>
  new Error('[strata] this SQLite storage is closed; open the file again to write to it')

/**
 * Creates a new store file readable by its owner only (0600): events are an app's data, and a
 * default umask would leave them readable by every local user. SQLite gives the -wal and -shm
 * files it makes beside it the same mode. An existing file keeps the mode its owner chose.
 */
function createPrivately(path: string): void {
  if (path === '' || path === ':memory:' || path.startsWith('file:')) return
  const fs = process.getBuiltinModule('node:fs')
  try {
    fs.closeSync(fs.openSync(path, 'wx', 0o600))
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error
  }
}
