import type BetterSqlite3 from 'better-sqlite3'
import type { SealedRow } from '../reads'
import type { PageRequest, PageResult } from '../types'

type Db = BetterSqlite3.Database
type Sql = (db: Db, text: string) => BetterSqlite3.Statement

/**
 * An event as `wireText` writes it, in SQL, in two parts around the payload (a sealed row is
 * given as those, its payload opened and put between them by the server). `json_quote` escapes
 * as `JSON.stringify` does (`"`, `\`, and control characters, `\b\t\n\f\r` short); stored text
 * is valid UTF-8, so it has no lone surrogate to differ on. `at` is written as an integer: rows
 * where that is not what `JSON.stringify` writes (a fraction, 2^53 and beyond) are held.
 */
const HEAD = `{"position":"v1:%d","clientId":%s,"clientSeq":%d,"id":%s,"stream":%s,"streamVersion":%d,"type":%s,"payload":`
const HEAD_ARGS =
  'tenant_position, json_quote(client_id), client_seq, json_quote(id), json_quote(stream), stream_version, json_quote(type)'
const TAIL = ',"at":%d,"commandId":%s}'
const TAIL_ARGS = 'at, json_quote(command_id)'
const WIRE = `printf('${HEAD}%s${TAIL}', ${HEAD_ARGS}, payload, ${TAIL_ARGS})`

const WRITTEN_AT = 'at = CAST(at AS INTEGER) AND abs(at) < 9007199254740992'

const PREFIX = '{"position":"v1:'.length

/**
 * The SQLite adapter's `readPage`: each event of a page written as the wire's JSON by SQLite (a
 * string per event, not a row object and twelve values), the head and the clients' records in
 * the same read transaction. A held event reads as NULL, and its page is not written. A sealed
 * one (`request.sealed`) reads as its wire text's two parts and what opening it takes, in a row
 * of its own columns (NULL for the others).
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
    const given = request.sealed?.length ? request.sealed : undefined
    const heldTypes = given ? held.types.filter((t) => !given.includes(t)) : held.types
    const holds = [`NOT (${WRITTEN_AT})`]
    const params: unknown[] = []
    if (heldTypes.length) {
      holds.push(`(type IN (${marks(heldTypes.length)}) AND instr(payload, '"$enc"') > 0)`)
      params.push(...heldTypes)
    }
    if (held.streams.length) {
      holds.push(`stream IN (${marks(held.streams.length)})`)
      params.push(...held.streams)
    }
    // A sealed row's condition is repeated in each of its columns (the same parameters each).
    const isSealed = given && `type IN (${marks(given.length)}) AND instr(payload, '"$enc"') > 0`
    const apart = (column: string) => {
      params.push(...given!)
      return `, CASE WHEN ${isSealed} THEN ${column} END`
    }
    let columns = `CASE WHEN ${holds.join(' OR ')} THEN NULL`
    if (isSealed) {
      columns += ` WHEN ${isSealed} THEN printf('${HEAD}', ${HEAD_ARGS})`
      params.push(...given)
    }
    columns += ` ELSE ${WIRE} END`
    if (isSealed) {
      columns += apart(`printf('${TAIL}', ${TAIL_ARGS})`)
      for (const column of ['position', 'client_id', 'id', 'type', 'payload'])
        columns += apart(column)
    }
    params.push(request.tenant, request.after)
    let filter = ''
    if (streams) {
      filter = ` AND stream IN (${marks(streams.length)})`
      params.push(...streams)
    }
    const statement = sql(
      reader,
      `SELECT ${columns} FROM strata_events
       WHERE tenant = ? AND tenant_position > ?${filter} ORDER BY tenant_position LIMIT ?`,
    )
    const page = given
      ? sealedRows(statement.raw(true).all(...params, request.limit) as unknown[][], request)
      : plainRows(statement.pluck().all(...params, request.limit) as (string | null)[])
    return page && { ...page, ...headAndClients(request) }
  })
}

type Rows = Pick<PageResult, 'text' | 'count' | 'last' | 'sealed'> | undefined

function plainRows(rows: (string | null)[]): Rows {
  if (rows.includes(null)) return undefined
  return {
    text: rows.join(','),
    count: rows.length,
    last: lastOf(rows.at(-1) as string | undefined),
  }
}

/** Rows of `[wire or head, tail, position, client_id, id, type, payload]`, tail NULL if plain. */
function sealedRows(rows: unknown[][], request: PageRequest): Rows {
  const parts: string[] = []
  const sealed: SealedRow[] = []
  let at = 0
  for (const row of rows) {
    const wire = row[0] as string | null
    if (wire === null) return undefined
    if (parts.length) at++
    if (row[1] === null) {
      parts.push(wire)
      at += wire.length
      continue
    }
    parts.push('')
    sealed.push({
      at,
      head: wire,
      tail: row[1] as string,
      tenant: request.tenant,
      position: row[2] as number,
      clientId: row[3] as string,
      id: row[4] as string,
      type: row[5] as string,
      payloadText: row[6] as string,
    })
  }
  const last = lastOf(rows.at(-1)?.[0] as string | undefined)
  const page: Rows = { text: parts.join(','), count: rows.length, last }
  if (sealed.length) page.sealed = sealed
  return page
}

/** The tenant position a row's wire text starts with (as WIRE and its head write it). */
const lastOf = (end: string | undefined) =>
  end ? Number(end.slice(PREFIX, end.indexOf('"', PREFIX))) : 0
