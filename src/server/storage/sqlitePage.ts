import type BetterSqlite3 from 'better-sqlite3'
import type { PageRequest, PageResult } from '../types'

type Db = BetterSqlite3.Database
type Sql = (db: Db, text: string) => BetterSqlite3.Statement

/**
 * An event as `wireText` writes it, in SQL. `json_quote` escapes as `JSON.stringify` does (`"`,
 * `\`, and control characters, `\b\t\n\f\r` short); stored text is valid UTF-8, so it has no
 * lone surrogate to differ on. `at` is written as an integer: rows where that is not what
 * `JSON.stringify` writes (a fraction, 2^53 and beyond) are held.
 */
const WIRE = `printf('{"position":"v1:%d","clientId":%s,"clientSeq":%d,"id":%s,"stream":%s,"streamVersion":%d,"type":%s,"payload":%s,"at":%d,"commandId":%s}', tenant_position, json_quote(client_id), client_seq, json_quote(id), json_quote(stream), stream_version, json_quote(type), payload, at, json_quote(command_id))`

const WRITTEN_AT = 'at = CAST(at AS INTEGER) AND abs(at) < 9007199254740992'

const PREFIX = '{"position":"v1:'.length

/**
 * The SQLite adapter's `readPage`: each event of a page written as the wire's JSON by SQLite (a
 * string per event, not a row object and twelve values), the head and the clients' records in
 * the same read transaction. A held event reads as NULL, and its page is not written.
 * (`group_concat` would make one string, but it keeps the rows' order only with an ORDER BY of
 * its own, which sorts them again: slower than joining them here.)
 */
export function sqlitePage(
  reader: Db,
  sql: Sql,
  headAndClients: (request: PageRequest) => Omit<PageResult, 'text' | 'count' | 'last'>,
) {
  const marks = (n: number) => Array(n).fill('?').join(',')
  return reader.transaction((request: PageRequest): PageResult | undefined => {
    const { streams, held } = request
    const holds = [`NOT (${WRITTEN_AT})`]
    const params: unknown[] = []
    if (held.types.length) {
      holds.push(`(type IN (${marks(held.types.length)}) AND instr(payload, '"$enc"') > 0)`)
      params.push(...held.types)
    }
    if (held.streams.length) {
      holds.push(`stream IN (${marks(held.streams.length)})`)
      params.push(...held.streams)
    }
    params.push(request.tenant, request.after)
    let filter = ''
    if (streams) {
      filter = ` AND stream IN (${marks(streams.length)})`
      params.push(...streams)
    }
    const rows = sql(
      reader,
      `SELECT CASE WHEN ${holds.join(' OR ')} THEN NULL ELSE ${WIRE} END FROM strata_events
       WHERE tenant = ? AND tenant_position > ?${filter} ORDER BY tenant_position LIMIT ?`,
    )
      .pluck()
      .all(...params, request.limit) as (string | null)[]
    if (rows.includes(null)) return undefined
    const end = rows.at(-1)
    // Each row starts with its tenant position, as WIRE writes it.
    const last = end ? Number(end.slice(PREFIX, end.indexOf('"', PREFIX))) : 0
    return { text: rows.join(','), count: rows.length, last, ...headAndClients(request) }
  })
}
