import type BetterSqlite3 from 'better-sqlite3'
import type { ClientRecord, ReadRequest, TextEvent, TextReadResult } from '../types'
import { type EventRow, rowToClient, rowToEvent } from './rows'
import { sqlitePage } from './sqlitePage'
import { largeOver, underBudget, WIRE_LEAST } from './text'

type Db = BetterSqlite3.Database
type Sql = (db: Db, text: string) => BetterSqlite3.Statement

/** The columns of a text read, in the order `textEvent` takes them. */
const TEXT_COLUMNS =
  'position, tenant_position, tenant, client_id, client_seq, id, stream, stream_version, type, payload, at, command_id'

type TextRow = [number, number, string, string, number, string, string, number, string, string]

/**
 * `TEXT_COLUMNS` with a payload over a size (the first parameter) read as its size in bytes: a
 * page of large events is read as far as its byte budget only (`largeOver`).
 */
const SIZED_COLUMNS = TEXT_COLUMNS.replace(
  ' payload,',
  ' CASE WHEN octet_length(payload) > ? THEN octet_length(payload) ELSE payload END,',
)

/**
 * A row of a text read as an event, its payload the stored text. Rows come as arrays (raw
 * mode): better-sqlite3 makes an object per row with a property per column otherwise, which
 * for a page of 1,000 events cost as much as the query itself.
 */
function textEvent(row: unknown[]): TextEvent {
  const r = row as [...TextRow, number, string | null]
  return {
    position: r[0],
    tenantPosition: r[1],
    tenant: r[2],
    clientId: r[3],
    clientSeq: r[4],
    id: r[5],
    stream: r[6],
    streamVersion: r[7],
    type: r[8],
    payloadText: r[9],
    at: r[10],
    commandId: r[11],
  }
}

/**
 * The SQLite adapter's reads of events: whole (`read`, `readEvents` inside an append), or with
 * the payloads left as their stored text (`readText`, what `GET /events` serves). Each of
 * `read` and `readText` is one deferred transaction on `reader`: the events, the head and the
 * clients' records come from one snapshot; so does `readPage`'s (sqlitePage.ts).
 */
export function sqliteReads(reader: Db, sql: Sql) {
  const marks = (n: number) => Array(n).fill('?').join(',')
  const headOf = (db: Db, tenant?: string) =>
    (tenant === undefined
      ? sql(db, 'SELECT coalesce(max(position), 0) FROM strata_events').pluck().get()
      : sql(db, 'SELECT coalesce(max(tenant_position), 0) FROM strata_events WHERE tenant = ?')
          .pluck()
          .get(tenant)) as number
  /**
   * One tenant's events in tenant order, or every tenant's in global order; `large`: only those
   * whose payload is over that many bytes.
   */
  const select = (
    db: Db,
    columns: string,
    request: Omit<ReadRequest, 'clientIds'>,
    large?: number,
  ) => {
    const tenant = request.tenant
    const where = [tenant === undefined ? 'position > ?' : 'tenant = ? AND tenant_position > ?']
    const params: unknown[] = tenant === undefined ? [request.after] : [tenant, request.after]
    if (request.streams) {
      where.push(`stream IN (${marks(request.streams.length)})`)
      params.push(...request.streams)
    }
    if (large !== undefined) {
      where.push('octet_length(payload) > ?')
      params.push(large)
    }
    const order = tenant === undefined ? 'position' : 'tenant_position'
    const statement = sql(
      db,
      `SELECT ${columns} FROM strata_events WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`,
    )
    return { statement, params: [...params, request.limit] }
  }
  const readRows = (db: Db, request: Omit<ReadRequest, 'clientIds'>) => {
    const { statement, params } = select(db, '*', request)
    return (statement.all(...params) as EventRow[]).map((r) => rowToEvent(r, true))
  }
  const clientsOf = (request: ReadRequest) => {
    const clients: ClientRecord[] = []
    const clientOf = sql(reader, 'SELECT * FROM strata_clients WHERE tenant = ? AND client_id = ?')
    for (const clientId of request.clientIds ?? []) {
      const client = rowToClient(clientOf.get(request.tenant ?? '', clientId))
      if (client) clients.push(client)
    }
    return clients
  }
  const read = reader.transaction((request: ReadRequest) => ({
    events: readRows(reader, request),
    head: headOf(reader, request.tenant),
    clients: clientsOf(request),
  }))
  const readText = reader.transaction((request: ReadRequest): TextReadResult => {
    const large = largeOver(request)
    const { statement, params } = select(reader, large ? SIZED_COLUMNS : TEXT_COLUMNS, request)
    const rows = statement.raw(true).all(...(large ? [large, ...params] : params)) as unknown[][]
    const cut = large ? budgetRows(rows, request, large) : false
    return {
      events: rows.map(textEvent),
      head: headOf(reader, request.tenant),
      clients: clientsOf(request),
      ...(cut && { cut }),
    }
  })
  /**
   * Keeps of a sized read's rows those its byte budget may hold (`underBudget`), each payload
   * over `large` bytes (read as its size) read now; true when rows were left.
   */
  const budgetRows = (rows: unknown[][], request: ReadRequest, large: number) => {
    const fits = underBudget(request.maxBytes)
    let n = 0
    let over = 0
    for (; n < rows.length; n++) {
      const r = rows[n] as [...TextRow, number, string | null]
      const payload = r[9] as string | number
      const least =
        WIRE_LEAST +
        (typeof payload === 'number' ? payload : payload.length) +
        r[3].length +
        r[5].length +
        r[6].length +
        r[8].length +
        (r[11]?.length ?? 0)
      if (!fits(least)) break
      if (typeof payload === 'number') over++
    }
    const cut = n < rows.length
    rows.length = n
    if (over) {
      // The same rows over `large`, in the same order, in the same transaction.
      const { statement, params } = select(reader, 'payload', { ...request, limit: over }, large)
      const payloads = statement.pluck().all(...params) as string[]
      let i = 0
      for (const r of rows) if (typeof r[9] === 'number') r[9] = payloads[i++]
    }
    return cut
  }
  const readPage = sqlitePage(reader, sql, (request) => ({
    head: headOf(reader, request.tenant),
    clients: clientsOf(request),
  }))
  return { headOf, readRows, read, readText, readPage }
}
