import type { Pool, PoolClient } from 'pg'
import type { JsonValue } from '../../protocol'
import { Signal } from '../signal'
import { postgresTables, postgresTableTx } from '../tables/postgresTables'
import type { Checkpoint, Commit, Storage, StorageTx } from '../types'
import { createErasureTable, postgresErasureStorage, postgresErasureTx } from './postgresErasure'
import { eventsQuery, postgresReads } from './postgresRead'
import { migratePostgres } from './postgresSchema'
import { appendTransaction, transaction } from './postgresTx'
import {
  EVENT_COLUMNS,
  type EventRow,
  eventToRow,
  prefixEnd,
  type ReceiptRow,
  rowToClient,
  rowToEvent,
  rowToReceipt,
  scopeOf,
} from './rows'

export interface PostgresStorageOptions {
  /** Schema holding the tables, created if missing. Default `strata`. */
  schema?: string
  /** Reconnect delay of the LISTEN connection after it drops. Default 1000 ms. */
  reconnectMs?: number
  /**
   * How long an append waits for the append lock before trying again (`lock_timeout`).
   * Default 1000 ms.
   */
  lockTimeoutMs?: number
  /**
   * How long an append's transaction may sit idle before PostgreSQL ends its session and rolls
   * it back (`idle_in_transaction_session_timeout`): the longest a frozen or cut-off server
   * process can hold up the appends of the others. Default 5000 ms. An inline projection that
   * computes longer than this between two statements has its append refused (503).
   */
  idleInTransactionTimeoutMs?: number
  /** Time within which an append that waited too long for the lock is tried again. Default 15 s. */
  appendBudgetMs?: number
}

const ARRAY_TYPES = [
  'bigint',
  'text',
  'bigint',
  'text',
  'bigint',
  'text',
  'text',
  'bigint',
  'text',
  'jsonb',
  'float8',
  'text',
  'text',
]

/** NOTIFY payloads must stay under 8000 bytes; past that, listeners hear "something moved". */
const MAX_NOTIFY_BYTES = 7900

/** The NOTIFY payload of a commit: `{"h":head,"t":[[tenant, tenantHead], ...]}`. */
function notification(commit: Commit): string {
  const text = JSON.stringify({ h: commit.head, t: [...(commit.tenants ?? [])] })
  return Buffer.byteLength(text) <= MAX_NOTIFY_BYTES ? text : JSON.stringify({ h: commit.head })
}

/** A commit from a NOTIFY payload; a bare number (from a process of an older version) too. */
function fromNotification(payload: string | undefined): Commit | undefined {
  try {
    const data = JSON.parse(payload ?? '')
    if (typeof data === 'number') return { head: data, tenants: undefined }
    return { head: Number(data.h), tenants: data.t ? new Map(data.t) : undefined }
  } catch {
    return undefined
  }
}

/**
 * PostgreSQL through `pg`, for several server processes sharing one store.
 *
 * Positions come from a counter row that each append locks first (`SELECT ... FOR UPDATE`) and
 * advances in the same transaction. The lock is held until commit, so a second append, in any
 * process, waits until the first has committed before it can take the next position. Positions
 * therefore become visible in order and dense: a reader that has seen position P has seen
 * everything before it, and "everything after P" never skips an event. A sequence or identity
 * column would not do: transaction B can commit position 6 while A still holds 5, a reader
 * moves past 6, and 5 appears behind it. The price is one append at a time, which also makes the
 * lastSeq and stream-version checks race-free.
 *
 * Each tenant's positions are dense too (`tenant_position`, the next after the tenant's max
 * under the same lock): clients only ever see those.
 *
 * Appends `NOTIFY` the new heads (global and per tenant) in their transaction (delivered on
 * commit); every process keeps one LISTEN connection, so long polls, SSE pokes and projections
 * wake in all of them.
 */
export async function postgresStorage(
  pool: Pool,
  options: PostgresStorageOptions = {},
): Promise<Storage> {
  const schema = options.schema ?? 'strata'
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new TypeError(`[strata] invalid schema name ${JSON.stringify(schema)}`)
  const s = schema
  const channel = `strata_${schema}`.slice(0, 63)
  const timeouts = {
    lockTimeoutMs: options.lockTimeoutMs ?? 1000,
    idleInTransactionTimeoutMs: options.idleInTransactionTimeoutMs ?? 5000,
    budgetMs: options.appendBudgetMs ?? 15_000,
  }
  const commits = new Signal<Commit>()
  // Each process hears its own NOTIFY too: a commit already announced (by its global head,
  // which no other commit has) is not announced twice.
  const announced = new Set<number>()
  const announce = (commit: Commit) => {
    if (commit.tenants && announced.has(commit.head)) return
    if (commit.tenants) {
      announced.add(commit.head)
      if (announced.size > 1024) announced.delete(announced.values().next().value!)
    }
    commits.emit(commit)
  }
  let closed = false

  await transaction(pool, async (client) => {
    // Two processes starting at once would race on creating or migrating the tables.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`strata:${schema}`])
    await migratePostgres(client, s)
    await createErasureTable(client, s)
  })

  let listener: (() => void) | undefined
  const listen = async (): Promise<void> => {
    if (closed) return
    try {
      const client = await pool.connect()
      let released = false // released once: its error may follow close()
      const drop = () => {
        if (!released) client.release(true)
        released = true
      }
      client.on('notification', (message) => {
        const commit = message.channel === channel ? fromNotification(message.payload) : undefined
        if (commit) announce(commit)
      })
      client.on('error', () => {
        drop()
        if (listener === drop) listener = undefined
        if (!closed) setTimeout(() => void listen(), options.reconnectMs ?? 1000).unref?.()
      })
      await client.query(`LISTEN ${channel}`)
      if (closed) return drop()
      listener = drop
      // Appends while we were not listening are announced now, so no waiter sleeps through them.
      commits.emit({ head: await head(), tenants: undefined })
    } catch {
      setTimeout(() => void listen(), options.reconnectMs ?? 1000).unref?.()
    }
  }
  const head = async (tenant?: string) =>
    Number(
      (tenant === undefined
        ? await pool.query(`SELECT position AS head FROM ${s}.counter WHERE id = 1`)
        : await pool.query(
            `SELECT coalesce(max(tenant_position), 0) AS head FROM ${s}.events WHERE tenant = $1`,
            [tenant],
          )
      ).rows[0].head,
    )
  const checkpointRow = (row: any): Checkpoint | undefined =>
    row && { position: Number(row.position), state: row.state as JsonValue }
  await listen()
  const readAll = async (client: PoolClient, after: number, limit: number, tenant?: string) =>
    (await client.query<EventRow>(...eventsQuery(s, { after, limit, tenant }))).rows.map((r) =>
      rowToEvent(r, false),
    )

  return {
    kind: 'postgres',
    ...postgresErasureStorage(pool, s),
    append: (fn) =>
      appendTransaction(pool, timeouts, async (client) => {
        const before = Number(
          (await client.query(`SELECT position FROM ${s}.counter WHERE id = 1 FOR UPDATE`)).rows[0]
            .position,
        )
        let after = before
        const tenantHeads = new Map<string, number>()
        const tx: StorageTx = {
          tables: postgresTableTx(client, s, readAll),
          head: async () => before,
          tenantHead: async (tenant) =>
            Number(
              (
                await client.query(
                  `SELECT coalesce(max(tenant_position), 0) AS head FROM ${s}.events WHERE tenant = $1`,
                  [tenant],
                )
              ).rows[0].head,
            ),
          client: async (tenant, clientId) =>
            rowToClient(
              (
                await client.query(
                  `SELECT * FROM ${s}.clients WHERE tenant = $1 AND client_id = $2`,
                  [tenant, clientId],
                )
              ).rows[0],
            ),
          receipts: async (tenant, clientId, fromSeq, toSeq) =>
            (
              await client.query<ReceiptRow>(
                `SELECT client_seq, fingerprint, tenant_position AS position, NULL::jsonb AS error FROM ${s}.events
                   WHERE tenant = $1 AND client_id = $2 AND client_seq BETWEEN $3 AND $4
                 UNION ALL SELECT client_seq, fingerprint, NULL, error FROM ${s}.rejections
                   WHERE tenant = $1 AND client_id = $2 AND client_seq BETWEEN $3 AND $4`,
                [tenant, clientId, fromSeq, toSeq],
              )
            ).rows.map(rowToReceipt),
          streamVersions: async (tenant, streams) => {
            const { rows } = await client.query(
              `SELECT stream, (SELECT max(stream_version) FROM ${s}.events e WHERE e.tenant = $1 AND e.stream = u.stream) AS version
                 FROM unnest($2::text[]) AS u(stream)`,
              [tenant, streams],
            )
            return new Map(
              rows
                .filter((r) => r.version !== null)
                .map((r) => [r.stream as string, Number(r.version)]),
            )
          },
          existingIds: async (tenant, clientId, ids) => {
            const { rows } = await client.query(
              `SELECT id, tenant_position FROM ${s}.events
               WHERE tenant = $1 AND client_id = $2 AND id = ANY($3::text[])`,
              [tenant, clientId, ids],
            )
            return new Map(rows.map((r) => [r.id as string, Number(r.tenant_position)]))
          },
          insertEvents: async (events) => {
            const columns = EVENT_COLUMNS.map((_, i) => events.map((e) => eventToRow(e)[i]))
            await client.query(
              `INSERT INTO ${s}.events (${EVENT_COLUMNS.join(', ')})
               SELECT * FROM unnest(${ARRAY_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`,
              columns,
            )
            for (const e of events) tenantHeads.set(e.tenant, e.tenantPosition)
            after = events.at(-1)?.position ?? after
          },
          insertRejections: async (list) => {
            await client.query(
              `INSERT INTO ${s}.rejections (tenant, client_id, client_seq, fingerprint, error)
               SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::jsonb[])`,
              [
                list.map((r) => r.tenant),
                list.map((r) => r.clientId),
                list.map((r) => r.clientSeq),
                list.map((r) => r.fingerprint),
                list.map((r) => JSON.stringify(r.error)),
              ],
            )
          },
          saveClient: async (c) => {
            await client.query(
              `INSERT INTO ${s}.clients (tenant, client_id, principal_id, last_seq) VALUES ($1, $2, $3, $4)
               ON CONFLICT (tenant, client_id) DO UPDATE SET last_seq = excluded.last_seq`,
              [c.tenant, c.clientId, c.principalId, c.lastSeq],
            )
          },
          readEvents: async (from, limit, tenant) =>
            (
              await client.query<EventRow>(...eventsQuery(s, { after: from, limit, tenant }))
            ).rows.map((r) => rowToEvent(r, false)),
          loadCheckpoint: async (name, tenant) =>
            checkpointRow(
              (
                await client.query(
                  `SELECT position, state FROM ${s}.checkpoints WHERE name = $1 AND scope = $2 FOR UPDATE`,
                  [name, scopeOf(tenant)],
                )
              ).rows[0],
            ),
          saveCheckpoint: async (name, cp, tenant) => {
            await client.query(
              `INSERT INTO ${s}.checkpoints (name, scope, position, state) VALUES ($1, $2, $3, $4)
               ON CONFLICT (name, scope) DO UPDATE SET position = excluded.position, state = excluded.state`,
              [name, scopeOf(tenant), cp.position, JSON.stringify(cp.state)],
            )
          },
          ...postgresErasureTx(client, s),
        }
        const result = await fn(tx)
        const commit: Commit | undefined =
          after === before ? undefined : { head: after, tenants: tenantHeads }
        if (commit) {
          await client.query(`UPDATE ${s}.counter SET position = $1 WHERE id = 1`, [after])
          await client.query('SELECT pg_notify($1, $2)', [channel, notification(commit)])
        }
        return { result, commit }
      }).then(({ result, commit }) => {
        if (commit) announce(commit)
        return result
      }),
    ...postgresReads(pool, s),
    head,
    globalPosition: async (tenant, tenantPosition) => {
      if (tenantPosition === 0) return 0
      const { rows } = await pool.query(
        `SELECT position FROM ${s}.events WHERE tenant = $1 AND tenant_position = $2`,
        [tenant, tenantPosition],
      )
      return rows[0] ? Number(rows[0].position) : undefined
    },
    loadCheckpoint: async (name, tenant) =>
      checkpointRow(
        (
          await pool.query(
            `SELECT position, state FROM ${s}.checkpoints WHERE name = $1 AND scope = $2`,
            [name, scopeOf(tenant)],
          )
        ).rows[0],
      ),
    lastCheckpoint: async (prefix, atMost, tenant) =>
      checkpointRow(
        (
          await pool.query(
            // The names' range on checkpoints_scope_name (snapshot names are ASCII: an end exists).
            `SELECT position, state FROM ${s}.checkpoints WHERE scope = $1
             AND name COLLATE "C" >= $2 AND name COLLATE "C" < $3
             AND position <= $4 ORDER BY position DESC LIMIT 1`,
            [scopeOf(tenant), prefix, prefixEnd(prefix) ?? '\u{10ffff}', atMost],
          )
        ).rows[0],
      ),
    saveCheckpoint: async (name, expected, cp, tenant) => {
      const state = JSON.stringify(cp.state)
      const scope = scopeOf(tenant)
      const result =
        expected === null
          ? await pool.query(
              `INSERT INTO ${s}.checkpoints (name, scope, position, state) VALUES ($1, $2, $3, $4)
               ON CONFLICT (name, scope) DO NOTHING`,
              [name, scope, cp.position, state],
            )
          : await pool.query(
              `UPDATE ${s}.checkpoints SET position = $3, state = $4
               WHERE name = $1 AND scope = $2 AND position = $5`,
              [name, scope, cp.position, state, expected],
            )
      return result.rowCount === 1
    },
    subscribe: (listener) => commits.subscribe(listener),
    tables: postgresTables(pool, s, readAll),
    close: async () => {
      closed = true
      listener?.()
      listener = undefined
    },
  }
}
