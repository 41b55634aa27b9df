import type BetterSqlite3 from 'better-sqlite3'
import type { SealedRow } from '../reads'
import type { PageRequest, PageResult } from '../types'
import { leadOf, PREFIX, sealedRow, type WireSealedRow } from './sealedRow'
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

/**
 * A sealed row as WIRE writes it, its payload left out, laid out as sealedRow.ts reads it (its
 * position and payload's bytes, then the text after the payload and before it). Its payload is
 * read after, by position, only where the reader does not hold it opened (`PageRequest.opened`).
 */
const SEALED_WIRE = `printf('%d,%d,"at":%d,"commandId":%s}{"position":"v1:%d","clientId":%s,"clientSeq":%d,"id":%s,"stream":%s,"streamVersion":%d,"type":%s,"payload":', position, octet_length(payload), at, json_quote(command_id), tenant_position, json_quote(client_id), client_seq, json_quote(id), json_quote(stream), stream_version, json_quote(type))`

const WRITTEN_AT = 'at = CAST(at AS INTEGER) AND abs(at) < 9007199254740992'

/** Whether a row is sealed: of a type given apart (the `n` marks), its text naming an envelope. */
const SEALED_IF = (marks: string) => `(type IN (${marks}) AND instr(payload, '"$enc"') > 0)`

/** The payloads of these global positions, read by a page's statement. */
const PAYLOADS =
  'SELECT position, payload FROM strata_events WHERE position IN (SELECT value FROM json_each(?))'

type Row = string | number | null

/**
 * The SQLite adapter's `readPage`: each event of a page written as the wire's JSON by SQLite (a
 * string per event, not a row object and twelve values), the head and the clients' records in
 * the same read transaction. A held event reads as NULL, and its page is not written. A sealed
 * one (`request.sealed`) is written without its payload, its global position and its payload's
 * bytes before it (`SEALED_WIRE`): its parts are read back from its text (`sealedRow`), and the payloads the
 * reader does not hold opened are read by position in a second statement of the transaction.
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
    const sealedIf = given ? SEALED_IF(marks(given.length)) : ''
    const sealed = given ? ` WHEN ${sealedIf} THEN ${SEALED_WIRE}` : ''
    const sealedParams: readonly unknown[] = given ?? []
    const where: unknown[] = [request.tenant, request.after]
    let filter = ''
    if (streams) {
      filter = ` AND stream IN (${marks(streams.length)})`
      where.push(...streams)
    }
    // A row whose payload is over `large` bytes is read as its size first (`largeOver`); a
    // sealed row never is (its payload is not in it).
    const large = largeOver(request)
    const overIf = ` AND octet_length(payload) > ?${given ? ` AND NOT ${sealedIf}` : ''}`
    const select = (wire: string, over = false) =>
      sql(
        reader,
        `SELECT CASE WHEN ${holds.join(' OR ')} THEN NULL${sealed} ${wire} END FROM strata_events
       WHERE tenant = ? AND tenant_position > ?${filter}${over ? overIf : ''}
       ORDER BY tenant_position LIMIT ?`,
      ).pluck()
    const sized = large === undefined ? [] : [large]
    const statement = select(
      large === undefined
        ? `ELSE ${WIRE}`
        : `WHEN octet_length(payload) > ? THEN octet_length(payload) ELSE ${WIRE}`,
    )
    const params = [...holdParams, ...sealedParams, ...sized, ...where, request.limit]
    const rows = statement.all(...params) as Row[]
    const budget =
      large === undefined ? { cut: false, over: 0 } : budgetRows(rows, request.maxBytes)
    if (!budget) return undefined
    if (budget.over) {
      // The same rows over `large`, in the same order, in the same transaction.
      const more = [...holdParams, ...sealedParams, ...where, large, ...sealedParams, budget.over]
      const read = select(`ELSE ${WIRE}`, true).all(...more) as Row[]
      let i = 0
      for (let r = 0; r < rows.length; r++) if (typeof rows[r] === 'number') rows[r] = read[i++]!
    }
    if (rows.includes(null)) return undefined
    const page = given
      ? sealedRows(
          rows as string[],
          request,
          (positions) =>
            sql(reader, PAYLOADS).raw(true).all(JSON.stringify(positions)) as unknown[][],
        )
      : plainRows(rows as string[], request.maxBytes)
    if (!page) return undefined
    const cut = budget.cut || page.cut
    return { ...page, ...headAndClients(request), ...(cut && { cut }) }
  })
}

/**
 * Keeps of a page's rows, each written (a string), held (null) or over `largeOver` (its payload's
 * size), those its byte budget may hold (`underBudget`): undefined when one is held (the page is
 * not written), else whether rows were left and how many of those kept are over. A sealed row
 * (`SEALED_WIRE`) counts its text's length and its payload's bytes.
 */
function budgetRows(rows: Row[], max: number | undefined) {
  const fits = underBudget(max)
  let over = 0
  let n = 0
  for (; n < rows.length; n++) {
    const wire = rows[n]!
    if (wire === null) return undefined
    if (typeof wire === 'number') {
      if (!fits(WIRE_LEAST + wire)) break
      over++
    } else if (!fits(wire.charCodeAt(0) === 123 ? wire.length : unsentBytes(wire))) break
  }
  const cut = n < rows.length
  rows.length = n
  return { cut, over }
}

/** At most the bytes of a sealed row (`SEALED_WIRE`): its text's length less its lead, and its payload's bytes. */
function unsentBytes(wire: string): number {
  const { bytes, tail } = leadOf(wire)
  return wire.length - tail + bytes
}

type Rows = (Pick<PageResult, 'text' | 'count' | 'last' | 'sealed'> & { cut: boolean }) | undefined

function plainRows(rows: string[], max: number | undefined): Rows {
  const kept = fitting(rows, max)
  const cut = kept < rows.length
  rows.length = kept
  return { text: rows.join(','), count: rows.length, last: lastOf(rows.at(-1)), cut }
}

/**
 * Rows of wire text and sealed ones (`SEALED_WIRE`), as many as the byte budget holds
 * (`fitting`, a sealed row's payload counted by its bytes); the payloads of the sealed ones
 * the reader does not hold opened read by position (`payloads`), the others left ''.
 */
function sealedRows(
  rows: string[],
  request: PageRequest,
  payloads: (positions: number[]) => unknown[][],
): Rows {
  const n = rows.length
  const found: (WireSealedRow | undefined)[] = new Array(n)
  // What `fitting` counts: a sealed row's text but its payload, and the payload's stored bytes.
  const texts: string[] = new Array(n)
  const apart: number[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const wire = rows[i]!
    if (wire.charCodeAt(0) === 123) {
      texts[i] = wire
      apart[i] = 0
      continue
    }
    const row = sealedRow(wire, request.tenant)
    found[i] = row
    texts[i] = row.head + row.tail
    apart[i] = row.storedBytes
  }
  const kept = fitting(texts, request.maxBytes, apart)
  const parts: string[] = new Array(kept)
  const sealed: SealedRow[] = []
  const misses: number[] = []
  let at = 0
  for (let i = 0; i < kept; i++) {
    if (i) at++
    const row = found[i]
    if (!row) {
      parts[i] = rows[i]!
      at += rows[i]!.length
      continue
    }
    parts[i] = ''
    row.at = at
    if (!request.opened?.(row.position)) misses.push(row.position)
    sealed.push(row)
  }
  if (misses.length) {
    const read = new Map(payloads(misses) as [number, string][])
    if (read.size !== misses.length) return undefined
    for (const row of sealed) if (read.has(row.position)) row.payloadText = read.get(row.position)!
  }
  const lastRow = found[kept - 1]
  const last = lastOf(lastRow ? lastRow.head : rows[kept - 1])
  const page: NonNullable<Rows> = { text: parts.join(','), count: kept, last, cut: kept < n }
  if (sealed.length) page.sealed = sealed
  return page
}

/** The tenant position a row's wire text starts with (as WIRE and its head write it). */
const lastOf = (end: string | undefined) =>
  end ? Number(end.slice(PREFIX, end.indexOf('"', PREFIX))) : 0
