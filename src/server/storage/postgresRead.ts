import type { Pool } from 'pg'
import type { ReadRequest, ReadResult, TextEvent, TextReadResult } from '../types'
import { postgresPage } from './postgresPage'
import { type EventRow, rowToClient, rowToEvent } from './rows'
import { largeOver, underBudget, WIRE_LEAST } from './text'

/** The columns of a text read, in the order `textEvent` takes them; jsonb payloads as text. */
const TEXT_COLUMNS =
  'position, tenant_position, tenant, client_id, client_seq, id, stream, stream_version, type, payload::text AS payload, at, command_id'

/**
 * `TEXT_COLUMNS` read from them, a payload over `large` bytes as NULL, its size in a column after
 * (NULL for the others).
 */
const LARGE_AS_SIZE = (large: string) =>
  `position, tenant_position, tenant, client_id, client_seq, id, stream, stream_version, type,
  CASE WHEN octet_length(payload) > ${large} THEN NULL ELSE payload END AS payload, at, command_id,
  CASE WHEN octet_length(payload) > ${large} THEN octet_length(payload) END AS large`

/** The header row's event columns, typed as the events' are (the union takes their types). */
const HEADER_NULLS =
  'NULL::bigint AS position, NULL::bigint, NULL::text, NULL::text, NULL::bigint, NULL::text, NULL::text, NULL::bigint, NULL::text, NULL::text, NULL::float8, NULL::text'

/**
 * One row of a text read as an event (rows as arrays, after the head and the clients). Numbers
 * through `Number`: pg gives bigint as text, and a pool may have parsers of its own.
 */
function textEvent(r: unknown[]): TextEvent {
  return {
    position: Number(r[2]),
    tenantPosition: Number(r[3]),
    tenant: r[4] as string,
    clientId: r[5] as string,
    clientSeq: Number(r[6]),
    id: r[7] as string,
    stream: r[8] as string,
    streamVersion: Number(r[9]),
    type: r[10] as string,
    payloadText: r[11] as string,
    at: Number(r[12]),
    commandId: r[13] as string | null,
  }
}

/**
 * The PostgreSQL adapter's reads of events, each one statement (one snapshot: the events, the
 * head and the clients agree): whole (`read`), or with the payloads as jsonb's text
 * (`readText`, what `GET /events` serves), a row per event beside the head and clients.
 */
export function postgresReads(pool: Pool, s: string) {
  /** The head and the clients' records of a read, as SQL after the events' parameters. */
  const headAndClients = (request: ReadRequest, n: number) =>
    request.tenant === undefined
      ? {
          head: `(SELECT position FROM ${s}.counter WHERE id = 1)`,
          clients: `'[]'::json`,
          params: [],
        }
      : {
          head: `(SELECT coalesce(max(tenant_position), 0) FROM ${s}.events WHERE tenant = $${n + 1})`,
          clients: `coalesce((SELECT json_agg(c) FROM ${s}.clients c
              WHERE c.tenant = $${n + 1} AND c.client_id = ANY($${n + 2}::text[])), '[]')`,
          params: [request.tenant, request.clientIds ?? []],
        }
  const read = async (request: ReadRequest): Promise<ReadResult> => {
    const [events, params] = eventsQuery(s, request)
    const extra = headAndClients(request, params.length)
    const { rows } = await pool.query(
      `WITH ev AS (${events})
       SELECT ${extra.head} AS head, ${extra.clients} AS clients,
              coalesce((SELECT json_agg(ev ORDER BY position) FROM ev), '[]') AS events`,
      [...params, ...extra.params],
    )
    const row = rows[0]
    return {
      events: (row.events as EventRow[]).map((r) => rowToEvent(r, false)),
      head: Number(row.head),
      clients: (row.clients as unknown[]).map((c) => rowToClient(c)!),
    }
  }
  const readText = async (request: ReadRequest): Promise<TextReadResult> => {
    const [events, params] = eventsQuery(s, request, TEXT_COLUMNS)
    // A payload over `largeOver` bytes is read as its size, and read after if the budget holds it.
    const large = largeOver(request)
    const sized =
      large === undefined
        ? `SELECT *, NULL::integer AS large FROM (${events}) e`
        : `SELECT ${LARGE_AS_SIZE(`$${params.push(large)}::bigint`)} FROM (${events}) e`
    const extra = headAndClients(request, params.length)
    // One row for the head and the clients (as text: parsed here, once) first, then a row per
    // event: one statement, so one snapshot.
    const { rows } = await pool.query<unknown[]>({
      text: `WITH ev AS (${sized})
        SELECT ${extra.head} AS head, (${extra.clients})::text AS clients, ${HEADER_NULLS}, NULL::integer
        UNION ALL SELECT NULL, NULL, ev.* FROM ev
        ORDER BY position NULLS FIRST`,
      values: [...params, ...extra.params],
      rowMode: 'array',
    })
    const first = rows[0]!
    const read = rows.slice(1)
    const cut = large !== undefined && (await budgetRows(read, request))
    return {
      events: read.map(textEvent),
      head: Number(first[0]),
      clients: (JSON.parse(first[1] as string) as unknown[]).map((c) => rowToClient(c)!),
      ...(cut && { cut }),
    }
  }
  /**
   * Keeps of a text read's rows those its byte budget may hold (`underBudget`), the payloads
   * read as their sizes among them read now, by position (a stored event never changes); true
   * when rows were left.
   */
  const budgetRows = async (rows: unknown[][], request: ReadRequest) => {
    const fits = underBudget(request.maxBytes)
    const large: string[] = []
    let n = 0
    for (; n < rows.length; n++) {
      const r = rows[n]!
      const size = r[14] as number | null
      const least =
        WIRE_LEAST +
        (size ?? (r[11] as string).length) +
        (r[5] as string).length +
        (r[7] as string).length +
        (r[8] as string).length +
        (r[10] as string).length
      if (!fits(least)) break
      if (size !== null) large.push(String(r[2]))
    }
    const cut = n < rows.length
    rows.length = n
    if (large.length) {
      const { rows: texts } = await pool.query<unknown[]>({
        text: `SELECT payload::text FROM ${s}.events WHERE position = ANY($1::bigint[]) ORDER BY position`,
        values: [large],
        rowMode: 'array',
      })
      let i = 0
      for (const r of rows) if (r[14] !== null) r[11] = texts[i++]![0]
    }
    return cut
  }
  return { read, readText, readPage: postgresPage(pool, s) }
}

/**
 * The events after a position, in order: one tenant's by tenant position (its index), or every
 * tenant's by global position. Returns the SQL and its parameters ($1...).
 */
export function eventsQuery(
  s: string,
  { after, limit, tenant, streams }: Omit<ReadRequest, 'clientIds'>,
  columns = '*',
): [string, unknown[]] {
  const filter = streams ? ' AND stream = ANY($3::text[])' : ''
  const extra = streams ? [streams] : []
  return tenant === undefined
    ? [
        `SELECT ${columns} FROM ${s}.events WHERE position > $1${filter} ORDER BY position LIMIT $2`,
        [after, limit, ...extra],
      ]
    : [
        `SELECT ${columns} FROM ${s}.events WHERE tenant = $${extra.length + 3} AND tenant_position > $1${filter}
         ORDER BY tenant_position LIMIT $2`,
        [after, limit, ...extra, tenant],
      ]
}
