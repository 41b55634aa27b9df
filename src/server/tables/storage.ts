import type { StoredEvent } from '../types'
import type { Dialect } from './define'
import type { SqlDb } from './sql'

/**
 * What a storage adapter lends table projections inside one of its write transactions (an
 * append's, or one of `TableStorage.write`): raw SQL on real table names, `?` placeholders.
 */
export interface TableTx {
  db: SqlDb
  dialect: Dialect
  /** The tenant that the tenant column's default fills in the statements that follow. */
  setTenant(tenant: string): Promise<void>
  /**
   * Committed events after a global position, in global order; or, with `tenant`, that tenant's
   * after a tenant position, in its order.
   */
  readEvents(after: number, limit: number, tenant?: string): Promise<StoredEvent[]>
  /**
   * Takes a lock named `key` until the transaction ends, or false if another transaction (of
   * any process) holds it: PostgreSQL's `pg_try_advisory_xact_lock`; on SQLite the write lock
   * is already held, so always true.
   */
  tryLock(key: string): Promise<boolean>
}

/** SQL for table projections; memory storage has none. */
export interface TableStorage {
  dialect: Dialect
  /**
   * One write transaction. SQLite: queued with the appends (one writer per file). PostgreSQL:
   * its own connection, beside the appends.
   */
  write<T>(fn: (tx: TableTx) => Promise<T>): Promise<T>
  /** One read-only snapshot over every statement `fn` runs. */
  read<T>(fn: (db: SqlDb) => Promise<T>): Promise<T>
}

/** Values better-sqlite3 binds: booleans as 0/1, undefined as null. */
const bindable = (params: readonly unknown[] | undefined) =>
  (params ?? []).map((p) => (p === undefined ? null : typeof p === 'boolean' ? Number(p) : p))

type Statement = {
  run(...params: unknown[]): { changes: number }
  all(...params: unknown[]): unknown[]
  get(...params: unknown[]): unknown
  readonly reader: boolean
}
type Connection = { prepare(sql: string): Statement }

/** A `SqlDb` over one better-sqlite3 connection, its statements cached by text. */
export function sqliteSqlDb(db: Connection): SqlDb {
  const cache = new Map<string, Statement>()
  const prepare = (sql: string) => {
    let statement = cache.get(sql)
    if (!statement) {
      // Texts embed a tenant, so their number grows with tenants: keep the cache bounded.
      if (cache.size >= 2000) cache.clear()
      statement = db.prepare(sql)
      cache.set(sql, statement)
    }
    return statement
  }
  return {
    run: async (sql, params) => {
      const statement = prepare(sql)
      if (statement.reader) {
        statement.all(...bindable(params))
        return { changes: 0 }
      }
      return { changes: statement.run(...bindable(params)).changes }
    },
    all: async (sql, params) => prepare(sql).all(...bindable(params)) as any[],
    get: async (sql, params) => prepare(sql).get(...bindable(params)) as any,
  }
}

export const SQLITE_DIALECT: Dialect = {
  kind: 'sqlite',
  prefix: 'strata_tp_',
  tenantDefault: '(strata_tenant())',
  meta: 'strata_table_projections',
  forUpdate: '',
}

export const postgresDialect = (schema: string): Dialect => ({
  kind: 'postgres',
  prefix: `${schema}.tp_`,
  tenantDefault: "current_setting('strata.tenant')",
  meta: `${schema}.table_projections`,
  forUpdate: ' FOR UPDATE',
})
