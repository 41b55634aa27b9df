import type { Pool, PoolClient } from 'pg'
import type { JsonValue } from '../../protocol'
import { Signal } from '../signal'
import type { Checkpoint, ClientRecord, Storage, StorageTx, StoredEvent } from '../types'
import { postgresSchema } from './postgresSchema'
import {
  EVENT_COLUMNS,
  type EventRow,
  eventToRow,
  type ReceiptRow,
  rowToEvent,
  rowToReceipt,
} from './rows'

export interface PostgresStorageOptions {
  /** Schema holding the tables, created if missing. Default `strata`. */
  schema?: string
  /** Reconnect delay of the LISTEN connection after it drops. Default 1000 ms. */
  reconnectMs?: number
}

const ARRAY_TYPES = [
  'bigint',
  'text',
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

const toClient = (row: any): ClientRecord | undefined =>
  row
    ? {
        clientId: row.client_id,
        principalId: row.principal_id,
        tenant: row.tenant,
        lastSeq: Number(row.last_seq),
      }
    : undefined

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
 * Appends `NOTIFY` the new head in their transaction (delivered on commit); every process keeps
 * one LISTEN connection, so long polls, SSE pokes and projections wake in all of them.
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
  const heads = new Signal<number>()
  let closed = false

  await transaction(pool, async (client) => {
    // Two processes starting at once would race on CREATE TABLE IF NOT EXISTS.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`strata:${schema}`])
    await client.query(postgresSchema(s))
  })

  let listener: PoolClient | undefined
  const listen = async (): Promise<void> => {
    if (closed) return
    try {
      const client = await pool.connect()
      client.on('notification', (message) => {
        if (message.channel === channel) heads.emit(Number(message.payload))
      })
      client.on('error', () => {
        client.release(true)
        if (listener === client) listener = undefined
        setTimeout(() => void listen(), options.reconnectMs ?? 1000).unref?.()
      })
      await client.query(`LISTEN ${channel}`)
      listener = client
      // Appends while we were not listening are announced now, so no waiter sleeps through them.
      heads.emit(await head())
    } catch {
      setTimeout(() => void listen(), options.reconnectMs ?? 1000).unref?.()
    }
  }
  const head = async () =>
    Number((await pool.query(`SELECT position FROM ${s}.counter WHERE id = 1`)).rows[0].position)
  const checkpointRow = (row: any): Checkpoint | undefined =>
    row && { position: Number(row.position), state: row.state as JsonValue }
  await listen()

  return {
    kind: 'postgres',
    append: (fn) =>
      transaction(pool, async (client) => {
        const before = Number(
          (await client.query(`SELECT position FROM ${s}.counter WHERE id = 1 FOR UPDATE`)).rows[0]
            .position,
        )
        let after = before
        const tx: StorageTx = {
          head: async () => before,
          client: async (clientId) =>
            toClient(
              (await client.query(`SELECT * FROM ${s}.clients WHERE client_id = $1`, [clientId]))
                .rows[0],
            ),
          receipts: async (clientId, fromSeq, toSeq) =>
            (
              await client.query<ReceiptRow>(
                `SELECT client_seq, fingerprint, position, NULL::jsonb AS error FROM ${s}.events
                   WHERE client_id = $1 AND client_seq BETWEEN $2 AND $3
                 UNION ALL SELECT client_seq, fingerprint, NULL, error FROM ${s}.rejections
                   WHERE client_id = $1 AND client_seq BETWEEN $2 AND $3`,
                [clientId, fromSeq, toSeq],
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
          existingIds: async (clientId, ids) => {
            const { rows } = await client.query(
              `SELECT id, position FROM ${s}.events WHERE client_id = $1 AND id = ANY($2::text[])`,
              [clientId, ids],
            )
            return new Map(rows.map((r) => [r.id as string, Number(r.position)]))
          },
          insertEvents: async (events) => {
            const columns = EVENT_COLUMNS.map((_, i) => events.map((e) => eventToRow(e)[i]))
            await client.query(
              `INSERT INTO ${s}.events (${EVENT_COLUMNS.join(', ')})
               SELECT * FROM unnest(${ARRAY_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`,
              columns,
            )
            after = events.at(-1)?.position ?? after
          },
          insertRejections: async (list) => {
            await client.query(
              `INSERT INTO ${s}.rejections SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::jsonb[])`,
              [
                list.map((r) => r.clientId),
                list.map((r) => r.clientSeq),
                list.map((r) => r.fingerprint),
                list.map((r) => JSON.stringify(r.error)),
              ],
            )
          },
          saveClient: async (c) => {
            await client.query(
              `INSERT INTO ${s}.clients VALUES ($1, $2, $3, $4)
               ON CONFLICT (client_id) DO UPDATE SET last_seq = excluded.last_seq`,
              [c.clientId, c.principalId, c.tenant, c.lastSeq],
            )
          },
          readEvents: async (from, limit) =>
            (
              await client.query<EventRow>(
                `SELECT * FROM ${s}.events WHERE position > $1 ORDER BY position LIMIT $2`,
                [from, limit],
              )
            ).rows.map((r) => rowToEvent(r, false)),
          loadCheckpoint: async (name) =>
            checkpointRow(
              (
                await client.query(
                  `SELECT position, state FROM ${s}.checkpoints WHERE name = $1 FOR UPDATE`,
                  [name],
                )
              ).rows[0],
            ),
          saveCheckpoint: async (name, cp) => {
            await client.query(
              `INSERT INTO ${s}.checkpoints VALUES ($1, $2, $3)
               ON CONFLICT (name) DO UPDATE SET position = excluded.position, state = excluded.state`,
              [name, cp.position, JSON.stringify(cp.state)],
            )
          },
        }
        const result = await fn(tx)
        if (after !== before) {
          await client.query(`UPDATE ${s}.counter SET position = $1 WHERE id = 1`, [after])
          await client.query('SELECT pg_notify($1, $2)', [channel, String(after)])
        }
        return { result, after, before }
      }).then(({ result, after, before }) => {
        if (after !== before) heads.emit(after)
        return result
      }),
    read: async (request) => {
      // One statement reads one snapshot: the events, the head and the client agree.
      const { rows } = await pool.query(
        `WITH ev AS (
           SELECT * FROM ${s}.events
           WHERE position > $1 AND ($2::text IS NULL OR tenant = $2) AND ($3::text[] IS NULL OR stream = ANY($3))
           ORDER BY position LIMIT $4)
         SELECT (SELECT position FROM ${s}.counter WHERE id = 1) AS head,
                (SELECT row_to_json(c) FROM ${s}.clients c WHERE client_id = $5) AS client,
                coalesce((SELECT json_agg(ev ORDER BY position) FROM ev), '[]') AS events`,
        [
          request.after,
          request.tenant ?? null,
          request.streams ?? null,
          request.limit,
          request.clientId ?? null,
        ],
      )
      const row = rows[0]
      return {
        events: (row.events as EventRow[]).map((r) => rowToEvent(r, false)) as StoredEvent[],
        head: Number(row.head),
        client: toClient(row.client),
      }
    },
    head,
    loadCheckpoint: async (name) =>
      checkpointRow(
        (await pool.query(`SELECT position, state FROM ${s}.checkpoints WHERE name = $1`, [name]))
          .rows[0],
      ),
    saveCheckpoint: async (name, expected, cp) => {
      const state = JSON.stringify(cp.state)
      const result =
        expected === null
          ? await pool.query(
              `INSERT INTO ${s}.checkpoints VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
              [name, cp.position, state],
            )
          : await pool.query(
              `UPDATE ${s}.checkpoints SET position = $2, state = $3 WHERE name = $1 AND position = $4`,
              [name, cp.position, state, expected],
            )
      return result.rowCount === 1
    },
    subscribe: (listener) => heads.subscribe(listener),
    close: async () => {
      closed = true
      listener?.release(true)
      listener = undefined
    },
  }
}

/** BEGIN ... COMMIT on one pooled connection; ROLLBACK on any error, dropping a broken connection. */
async function transaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken: Error | undefined
  try {
    await client.query('BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch((e: Error) => {
      broken = e
    })
    throw error
  } finally {
    client.release(broken)
  }
}
