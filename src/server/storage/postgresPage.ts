import type { Pool } from 'pg'
import type { SealedRow } from '../reads'
import type { PageRequest, PageResult } from '../types'
import { rowToClient } from './rows'
import { leadOf, sealedRow, type WireSealedRow } from './sealedRow'
import { fitting, largeOver, underBudget, WIRE_LEAST } from './text'

/**
 * An event as `wireText` writes it, in SQL, in two parts around the payload (a sealed row is
 * given as those, its payload opened and put between them by the server): `to_json` of a text
 * escapes it as `JSON.stringify` does, the payload is jsonb's text (its own spacing, read the
 * same). `at` is written as an integer: rows where that is not what `JSON.stringify` writes are
 * held (`WRITTEN_AT`).
 */
const HEAD = `'{"position":"v1:' || tenant_position || '","clientId":' || to_json(client_id)::text
  || ',"clientSeq":' || client_seq || ',"id":' || to_json(id)::text
  || ',"stream":' || to_json(stream)::text || ',"streamVersion":' || stream_version
  || ',"type":' || to_json(type)::text || ',"payload":'`
const TAIL = `',"at":' || at::bigint || ',"commandId":' || coalesce(to_json(command_id)::text, 'null') || '}'`

const WRITTEN_AT = 'at = trunc(at) AND abs(at) < 9007199254740992'

/**
 * A page's rows as the query below writes them: an event's tenant position, its wire text
 * (NULL when held or large; a sealed row's as sealedRow.ts reads it: its position and payload's
 * bytes, then the text after the payload and before it), a sealed row's payload text (NULL for
 * the others), and a large row's payload bytes (NULL for the others).
 */
const COLUMNS = (
  sealed: string,
  heldTypes: string,
  heldStreams: string,
  large: string,
  /** Of the sealed rows, those whose payload is not sent (the reader may hold it opened). */
  unsent: string,
) =>
  `tenant_position AS tp, CASE WHEN NOT (${WRITTEN_AT})
    OR (type = ANY(${heldTypes}::text[]) AND strpos(p.text, '"$enc"') > 0)
    OR stream = ANY(${heldStreams}::text[]) THEN NULL
    WHEN octet_length(p.text) > ${large} THEN NULL
    WHEN ${sealed} THEN position || ',' || octet_length(p.text) || ${TAIL} || ${HEAD}
    ELSE ${HEAD} || p.text || ${TAIL} END AS wire,
  CASE WHEN ${sealed} AND NOT (${unsent}) THEN p.text END AS payload,
  CASE WHEN octet_length(p.text) > ${large} THEN octet_length(p.text) END AS large`

/**
 * The payload's text once a row (`OFFSET 0` keeps the subquery from being folded into each of
 * the expressions naming it: the conversion of jsonb to text is most of a page's cost).
 */
const TEXT = 'LATERAL (SELECT payload::text AS text OFFSET 0) p'

/** Whether a row is sealed: of a type given apart (`$n`), its text naming an envelope. */
const SEALED = (types: string) => `(type = ANY(${types}::text[]) AND strpos(p.text, '"$enc"') > 0)`

/**
 * The PostgreSQL adapter's `readPage`: one statement (one snapshot) whose first row holds the
 * head and the clients' records, then a row per event written as the wire's JSON, NULL for a
 * held one (its page is not written). A sealed one (`request.sealed`) has its wire text's two
 * parts and what opening it takes in columns of its own (NULL for the others). A row whose
 * payload is over `largeOver` bytes is read as its size, and those the page's byte budget
 * holds are read after by position (a stored event never changes).
 */
export function postgresPage(pool: Pool, s: string) {
  return async (request: PageRequest): Promise<PageResult | undefined> => {
    const { tenant, after, limit, streams, held, maxBytes } = request
    const sealed = request.sealed ?? []
    const heldTypes = held.types.filter((t) => !sealed.includes(t))
    // Sealed rows between these global positions come without their payload (none without a hint).
    const unsentWithin = request.opened && request.openedWithin ? request.openedWithin : [1, 0]
    const params: unknown[] = [
      tenant,
      after,
      limit,
      heldTypes,
      held.streams,
      request.clientIds ?? [],
      sealed,
      largeOver(request) ?? null,
      ...unsentWithin,
    ]
    const filter = streams ? ` AND stream = ANY($${params.push(streams)}::text[])` : ''
    const { rows } = await pool.query<unknown[]>({
      text: `WITH picked AS (
          SELECT * FROM ${s}.events WHERE tenant = $1 AND tenant_position > $2${filter}
          ORDER BY tenant_position LIMIT $3),
        ev AS (SELECT ${COLUMNS(SEALED('$7'), '$4', '$5', '$8::bigint', 'position BETWEEN $9 AND $10')}
          FROM picked, ${TEXT})
        SELECT NULL::bigint AS tp,
          (SELECT coalesce(max(tenant_position), 0) FROM ${s}.events WHERE tenant = $1)::text AS wire,
          coalesce((SELECT json_agg(c) FROM ${s}.clients c
            WHERE c.tenant = $1 AND c.client_id = ANY($6::text[])), '[]')::text AS clients,
          NULL, NULL::integer
        UNION ALL SELECT tp, wire, NULL, payload, large FROM ev
        ORDER BY tp NULLS FIRST`,
      values: params,
      rowMode: 'array',
    })
    const [head, ...read] = rows
    const budget = budgetRows(read, maxBytes)
    if (!budget) return undefined
    if (budget.large.length) {
      // The large rows the budget may hold, as the others are written.
      const more = await pool.query<unknown[]>({
        text: `SELECT ${COLUMNS(SEALED('$5'), '$3', '$4', 'NULL::bigint', 'position BETWEEN $6 AND $7')}
          FROM ${s}.events, ${TEXT} WHERE tenant = $1 AND tenant_position = ANY($2::bigint[])
          ORDER BY tenant_position`,
        values: [tenant, budget.large, heldTypes, held.streams, sealed, ...unsentWithin],
        rowMode: 'array',
      })
      // In the page's columns (no clients' column, which only its first row holds).
      let i = 0
      for (let r = 0; r < read.length; r++) {
        if (read[r]![4] === null) continue
        const [tp, wire, payload] = more.rows[i++]!
        read[r] = [tp, wire, null, payload, null]
      }
    }
    // What is sent of each row, a sealed row's payload as stored (its bytes apart): opened, it
    // is no longer.
    const wires: string[] = []
    const apart: number[] = []
    const sealedRows: (WireSealedRow | undefined)[] = []
    for (const r of read) {
      const wire = r[1] as string | null
      if (wire === null) return undefined
      // A sealed row's text leads with its position (a digit), a plain one's is its JSON.
      const payload = (r[3] as string | null) ?? ''
      const row = wire.charCodeAt(0) === 123 ? undefined : sealedRow(wire, tenant, payload)
      sealedRows.push(row)
      wires.push(row ? row.head + row.tail : wire)
      apart.push(row ? row.storedBytes : 0)
    }
    const count = fitting(wires, maxBytes, apart)
    const events = read.slice(0, count)
    // The payloads not sent that the reader does not hold opened, by position (a stored event
    // never changes).
    const misses: string[] = []
    for (let e = 0; e < count; e++) {
      const row = sealedRows[e]
      if (row && row.payloadText === '' && !request.opened?.(row.position))
        misses.push(String(row.position))
    }
    if (misses.length) {
      const { rows: found } = await pool.query<[string, string]>({
        text: `SELECT position, payload::text FROM ${s}.events WHERE position = ANY($1::bigint[])`,
        values: [misses],
        rowMode: 'array',
      })
      const payloads = new Map(found.map(([position, text]) => [Number(position), text]))
      if (payloads.size !== misses.length) return undefined
      for (let e = 0; e < count; e++) {
        const row = sealedRows[e]
        if (row && row.payloadText === '' && payloads.has(row.position))
          row.payloadText = payloads.get(row.position)!
      }
    }
    const parts: string[] = []
    const given: SealedRow[] = []
    let at = 0
    for (let e = 0; e < count; e++) {
      const row = sealedRows[e]
      if (parts.length) at++
      if (!row) {
        const wire = wires[e]!
        parts.push(wire)
        at += wire.length
        continue
      }
      parts.push('')
      row.at = at
      given.push(row)
    }
    const page: PageResult = {
      text: parts.join(','),
      count: events.length,
      last: events.length ? Number(events.at(-1)![0]) : 0,
      head: Number(head![1]),
      clients: (JSON.parse(head![2] as string) as unknown[]).map((c) => rowToClient(c)!),
    }
    if (budget.cut || events.length < read.length) page.cut = true
    if (given.length) page.sealed = given
    return page
  }
}

/**
 * Keeps of a page's rows those its byte budget may hold (`underBudget`), by a bound below each
 * one's bytes (a large row's payload bytes): undefined when one is held (the page is not
 * written), else whether rows were left, and the positions of the large rows kept.
 */
function budgetRows(rows: unknown[][], max: number | undefined) {
  const fits = underBudget(max)
  const large: string[] = []
  let n = 0
  for (; n < rows.length; n++) {
    const r = rows[n]!
    const [wire, size] = [r[1] as string | null, r[4] as number | null]
    if (wire === null && size === null) return undefined
    // A sealed row (its text leads with its position): its text but the lead, its payload's bytes.
    const sealed = wire !== null && wire.charCodeAt(0) !== 123 ? leadOf(wire) : undefined
    const least =
      size !== null
        ? WIRE_LEAST + size
        : sealed
          ? wire!.length - sealed.tail + sealed.bytes
          : wire!.length
    if (!fits(least)) break
    if (size !== null) large.push(String(r[0]))
  }
  const cut = n < rows.length
  rows.length = n
  return { cut, large }
}
