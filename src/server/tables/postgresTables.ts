import type { Pool, PoolClient, QueryResult } from 'pg'
import { transaction } from '../storage/postgresTx'
import type { StoredEvent } from '../types'
import { numberPlaceholders, type SqlDb } from './sql'
import { postgresDialect, type TableStorage, type TableTx } from './storage'

// bigint (int8) and numeric: pg returns them as strings; SQLite as numbers.
const NUMERIC_TYPES = new Set([20, 1700])

function rowsOf(result: QueryResult): any[] {
  const numeric = result.fields.filter((f) => NUMERIC_TYPES.has(f.dataTypeID)).map((f) => f.name)
  if (numeric.length) {
    for (const row of result.rows) {
      for (const name of numeric) if (row[name] !== null) row[name] = Number(row[name])
    }
  }
  return result.rows
}

/** A `SqlDb` on one pooled connection (inside its caller's transaction). */
export function postgresSqlDb(client: PoolClient): SqlDb {
  const query = (sql: string, params: readonly unknown[] | undefined) =>
    client.query(numberPlaceholders(sql), params ? [...params] : [])
  return {
    run: async (sql, params) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
    all: async (sql, params) => rowsOf(await query(sql, params)),
    get: async (sql, params) => rowsOf(await query(sql, params))[0],
  }
}

/** The events after a global position (a tenant's after its tenant position), in `client`'s transaction. */
type ReadEvents = (
  client: PoolClient,
  after: number,
  limit: number,
  tenant?: string,
) => Promise<StoredEvent[]>

/** Table projection SQL inside one transaction on `client`. */
export function postgresTableTx(
  client: PoolClient,
  schema: string,
  readEvents: ReadEvents,
): TableTx {
  const db = postgresSqlDb(client)
  let tenant: string | undefined
  return {
    db,
    dialect: postgresDialect(schema),
    setTenant: async (t) => {
      if (t === tenant) return
      tenant = t
      await client.query("SELECT set_config('strata.tenant', $1, true)", [t])
    },
    readEvents: (after, limit, tenant) => readEvents(client, after, limit, tenant),
    tryLock: async (key) =>
      (
        await client.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok', [
          `strata:${schema}:${key}`,
        ])
      ).rows[0].ok === true,
  }
}

/**
 * Table projections on PostgreSQL: writes in transactions of their own beside the appends
 * (exclusion between processes comes from `tryLock` and row locks), reads in one
 * REPEATABLE READ snapshot.
 */
export function postgresTables(pool: Pool, schema: string, readEvents: ReadEvents): TableStorage {
  return {
    dialect: postgresDialect(schema),
    write: (fn) => transaction(pool, (client) => fn(postgresTableTx(client, schema, readEvents))),
    read: (fn) =>
      transaction(
        pool,
        (client) => fn(postgresSqlDb(client)),
        'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY',
      ),
  }
}
