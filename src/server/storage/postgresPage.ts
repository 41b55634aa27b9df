import type { Pool } from 'pg'
import type { SealedRow } from '../reads'
import type { PageRequest, PageResult } from '../types'
import { rowToClient } from './rows'
import { fitting, WIRE_LEAST } from './text'

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
 * The PostgreSQL adapter's `readPage`: one statement (one snapshot) whose first row holds the
 * head and the clients' records, then a row per event written as the wire's JSON, NULL for a
 * held one (its page is not written). A sealed one (`request.sealed`) has its wire text's two
 * parts and what opening it takes in columns of its own (NULL for the others).
 */
export function postgresPage(pool: Pool, s: string) {
  return async (request: PageRequest): Promise<PageResult | undefined> => {
    const { tenant, after, limit, streams, held, maxBytes } = request
    const sealed = request.sealed ?? []
    const params: unknown[] = [
      tenant,
      after,
      limit,
      held.types.filter((t) => !sealed.includes(t)),
      held.streams,
      request.clientIds ?? [],
      sealed,
    ]
    const filter = streams ? ` AND stream = ANY($${params.push(streams)}::text[])` : ''
    const budget = maxBytes === undefined ? undefined : `$${params.push(maxBytes)}::bigint`
    const { rows } = await pool.query<unknown[]>({
      text: `WITH picked AS (
          SELECT *, payload::text AS ptext
          FROM ${s}.events WHERE tenant = $1 AND tenant_position > $2${filter}
          ORDER BY tenant_position LIMIT $3),
        sized AS (${budget ? sizedBy(budget, 'picked', 'tenant_position') : 'SELECT *, false AS over FROM picked'}),
        marked AS (
          SELECT *, (type = ANY($7::text[]) AND strpos(ptext, '"$enc"') > 0) AS sealed FROM sized),
        ev AS (
          SELECT tenant_position AS tp, CASE WHEN NOT (${WRITTEN_AT})
            OR (type = ANY($4::text[]) AND strpos(ptext, '"$enc"') > 0)
            OR stream = ANY($5::text[]) THEN NULL
            WHEN sealed THEN ${HEAD} ELSE ${HEAD} || ptext || ${TAIL} END AS wire,
            CASE WHEN sealed THEN ${TAIL} END AS tail,
            CASE WHEN sealed THEN position END AS position,
            CASE WHEN sealed THEN client_id END AS client_id,
            CASE WHEN sealed THEN id END AS id,
            CASE WHEN sealed THEN type END AS type,
            CASE WHEN sealed THEN ptext END AS payload,
            over
          FROM marked)
        SELECT NULL::bigint AS tp,
          (SELECT coalesce(max(tenant_position), 0) FROM ${s}.events WHERE tenant = $1)::text AS wire,
          coalesce((SELECT json_agg(c) FROM ${s}.clients c
            WHERE c.tenant = $1 AND c.client_id = ANY($6::text[])), '[]')::text AS clients,
          NULL, NULL::bigint, NULL, NULL, NULL, NULL, NULL::boolean
        UNION ALL SELECT tp, wire, NULL, tail, position, client_id, id, type, payload, over FROM ev
        ORDER BY tp NULLS FIRST`,
      values: params,
      rowMode: 'array',
    })
    const [head, ...read] = rows
    // The row past the budget's bound (`sizedBy`) says the page was cut; it is not in it.
    const cut = read.at(-1)?.[9] === true
    if (cut) read.pop()
    // What is sent of each row, a sealed row's payload as stored: opened, it is no longer.
    const wires: string[] = []
    for (const r of read) {
      const wire = r[1] as string | null
      if (wire === null) return undefined
      wires.push(r[3] === null ? wire : wire + (r[8] as string) + (r[3] as string))
    }
    const events = read.slice(0, fitting(wires, maxBytes))
    const parts: string[] = []
    const given: SealedRow[] = []
    let at = 0
    for (const r of events) {
      const wire = r[1] as string
      if (parts.length) at++
      if (r[3] === null) {
        parts.push(wire)
        at += wire.length
        continue
      }
      parts.push('')
      given.push({
        at,
        head: wire,
        tail: r[3] as string,
        tenant,
        position: Number(r[4]),
        clientId: r[5] as string,
        id: r[6] as string,
        type: r[7] as string,
        payloadText: r[8] as string,
      })
    }
    const page: PageResult = {
      text: parts.join(','),
      count: events.length,
      last: events.length ? Number(events.at(-1)![0]) : 0,
      head: Number(head![1]),
      clients: (JSON.parse(head![2] as string) as unknown[]).map((c) => rowToClient(c)!),
    }
    if (cut || events.length < read.length) page.cut = true
    if (given.length) page.sealed = given
    return page
  }
}

/**
 * The rows of `from` (a page's, with their payloads' text as `text`, in `order`) that a byte
 * budget may hold, as `underBudget` takes them, by a bound below each one's bytes (its payload
 * and strings as they are, `WIRE_LEAST`), so a page of large events stops in the query (it is
 * cut exactly after, `fitting`): each while those up to it, joined, are within `budget`, and
 * always the first; then one more, marked `over`, which says there were more.
 */
export function sizedBy(budget: string, from: string, order: string, text = 'ptext'): string {
  const least = `octet_length(${text}) + octet_length(id) + octet_length(stream) + octet_length(type) + octet_length(client_id) + ${WIRE_LEAST + 1}`
  const upTo = (end: string) => `sum(${least}) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND ${end})`
  return `SELECT *, NOT (n = 1 OR upto <= ${budget} + 1) AS over FROM (
      SELECT *, row_number() OVER w AS n, ${upTo('CURRENT ROW')} AS upto, ${upTo('1 PRECEDING')} AS before
      FROM ${from} WINDOW w AS (ORDER BY ${order})) bound
    WHERE n <= 2 OR before <= ${budget} + 1`
}
