import type BetterSqlite3 from 'better-sqlite3'
import type { SealedRow } from '../reads'
import type { PageRequest, PageResult } from '../types'
import { fitting, largeOver, underBudget, WIRE_LEAST } from './text'

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
 * the same read transaction. A held event reads as NULL, and its page is not written. A sealed
 * one (`request.sealed`) is written as the others, with its global position beside it (NULL
 * for the others): its parts are read back from its text (`sealedRow`).
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
    const holdParams: unknown[] = []
    if (heldTypes.length) {
      holds.push(`(type IN (${marks(heldTypes.length)}) AND instr(payload, '"$enc"') > 0)`)
      holdParams.push(...heldTypes)
    }
    if (held.streams.length) {
      holds.push(`stream IN (${marks(held.streams.length)})`)
      holdParams.push(...held.streams)
    }
    let sealed = ''
    const sealedParams: unknown[] = []
    if (given) {
      // A sealed row is written as the others; its global position says it is one.
      sealed = `, CASE WHEN type IN (${marks(given.length)}) AND instr(payload, '"$enc"') > 0 THEN position END`
      sealedParams.push(...given)
    }
    const where: unknown[] = [request.tenant, request.after]
    let filter = ''
    if (streams) {
      filter = ` AND stream IN (${marks(streams.length)})`
      where.push(...streams)
    }
    // A row whose payload is over `large` bytes is read as its size first (`largeOver`).
    const large = largeOver(request)
    const select = (wire: string, over = false) =>
      sql(
        reader,
        `SELECT CASE WHEN ${holds.join(' OR ')} THEN NULL ${wire} END${sealed} FROM strata_events
       WHERE tenant = ? AND tenant_position > ?${filter}${over ? ' AND octet_length(payload) > ?' : ''}
       ORDER BY tenant_position LIMIT ?`,
      )
    const sized = large === undefined ? [] : [large]
    const statement = select(
      large === undefined
        ? `ELSE ${WIRE}`
        : `WHEN octet_length(payload) > ? THEN octet_length(payload) ELSE ${WIRE}`,
    )
    const params = [...holdParams, ...sized, ...sealedParams, ...where, request.limit]
    const rows = given
      ? (statement.raw(true).all(...params) as unknown[][])
      : (statement.pluck().all(...params) as unknown[])
    const wireOf = given ? (row: unknown) => (row as unknown[])[0] : (row: unknown) => row
    const budget =
      large === undefined ? { cut: false, over: 0 } : budgetRows(rows, wireOf, request.maxBytes)
    if (!budget) return undefined
    if (budget.over) {
      // The same rows over `large`, in the same order, in the same transaction.
      const again = select(`ELSE ${WIRE}`, true)
      const more = [...holdParams, ...sealedParams, ...where, large, budget.over]
      const read = given ? again.raw(true).all(...more) : again.pluck().all(...more)
      let i = 0
      for (let r = 0; r < rows.length; r++)
        if (typeof wireOf(rows[r]) === 'number') rows[r] = read[i++]
    }
    const kept = fitting((given ? rows.map(wireOf) : rows) as string[], request.maxBytes)
    const cut = budget.cut || kept < rows.length
    rows.length = kept
    const page = given
      ? sealedRows(rows as unknown[][], request)
      : plainRows(rows as (string | null)[])
    return page && { ...page, ...headAndClients(request), ...(cut && { cut }) }
  })
}

/**
 * Keeps of a page's rows, each written (a string), held (null) or over `largeOver` (its payload's
 * size), those its byte budget may hold (`underBudget`): undefined when one is held (the page is
 * not written), else whether rows were left and how many of those kept are over.
 */
function budgetRows(rows: unknown[], wireOf: (row: unknown) => unknown, max: number | undefined) {
  const fits = underBudget(max)
  let over = 0
  let n = 0
  for (; n < rows.length; n++) {
    const wire = wireOf(rows[n]) as string | number | null
    if (wire === null) return undefined
    if (!fits(typeof wire === 'number' ? WIRE_LEAST + wire : wire.length)) break
    if (typeof wire === 'number') over++
  }
  const cut = n < rows.length
  rows.length = n
  return { cut, over }
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

/** Rows of `[wire, position]`, the position NULL unless the row is sealed. */
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
    sealed.push(sealedRow(wire, at, request.tenant, row[1] as number))
  }
  const last = lastOf(rows.at(-1)?.[0] as string | undefined)
  const page: NonNullable<Rows> = { text: parts.join(','), count: rows.length, last }
  if (sealed.length) page.sealed = sealed
  return page
}

/**
 * A sealed row's parts, read back from its wire text (as WIRE writes it: its fields in that
 * order, each string as `json_quote` writes it): one string a row from SQLite, as a plain row's,
 * instead of a column per part (which cost as much as the rest of the page).
 */
function sealedRow(wire: string, at: number, tenant: string, position: number): SealedRow {
  // {"position":"v1:<n>","clientId":<s>,"clientSeq":<n>,"id":<s>,"stream":<s>,
  // "streamVersion":<n>,"type":<s>,"payload":<payload>,"at":<n>,"commandId":<s or null>}
  const client = wire.indexOf('"', PREFIX) + '","clientId":'.length
  const clientEnd = stringEnd(wire, client)
  const id = wire.indexOf(',', clientEnd + ',"clientSeq":'.length) + ',"id":'.length
  const idEnd = stringEnd(wire, id)
  const streamEnd = stringEnd(wire, idEnd + ',"stream":'.length)
  const type = wire.indexOf(',', streamEnd + ',"streamVersion":'.length) + ',"type":'.length
  const typeEnd = stringEnd(wire, type)
  const payload = typeEnd + ',"payload":'.length
  const command = wire.endsWith(',"commandId":null}')
    ? wire.length - 'null}'.length
    : stringStart(wire, wire.length - 2)
  // Between the payload and the command id only `,"at":<integer>,"commandId":`.
  const payloadEnd = wire.lastIndexOf(',"at":', command)
  return {
    at,
    head: wire.slice(0, payload),
    tail: wire.slice(payloadEnd),
    tenant,
    position,
    clientId: stringAt(wire, client, clientEnd),
    id: stringAt(wire, id, idEnd),
    type: stringAt(wire, type, typeEnd),
    payloadText: wire.slice(payload, payloadEnd),
  }
}

/** Whether the quote at `at` is escaped: after an odd number of backslashes. */
function escaped(text: string, at: number): boolean {
  let slashes = 0
  while (text.charCodeAt(at - 1 - slashes) === 92) slashes++
  return slashes % 2 === 1
}

/** Just past the JSON string whose opening quote is at `from`. */
function stringEnd(text: string, from: number): number {
  let quote = text.indexOf('"', from + 1)
  while (escaped(text, quote)) quote = text.indexOf('"', quote + 1)
  return quote + 1
}

/** The opening quote of the JSON string whose closing quote is at `to`. */
function stringStart(text: string, to: number): number {
  let quote = text.lastIndexOf('"', to - 1)
  while (escaped(text, quote)) quote = text.lastIndexOf('"', quote - 1)
  return quote
}

/** The value of the JSON string from `from` to `to` (its quotes included). */
function stringAt(text: string, from: number, to: number): string {
  const quoted = text.slice(from, to)
  return quoted.includes('\\') ? (JSON.parse(quoted) as string) : quoted.slice(1, -1)
}

/** The tenant position a row's wire text starts with (as WIRE and its head write it). */
const lastOf = (end: string | undefined) =>
  end ? Number(end.slice(PREFIX, end.indexOf('"', PREFIX))) : 0
