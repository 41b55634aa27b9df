import type { Pool } from 'pg'
import type { PageRequest, PageResult } from '../types'
import { rowToClient } from './rows'

/**
 * An event as `wireText` writes it, in SQL: `to_json` of a text escapes it as `JSON.stringify`
 * does, the payload is jsonb's text (its own spacing, read the same). `at` is written as an
 * integer: rows where that is not what `JSON.stringify` writes are held (`WRITTEN_AT`).
 */
const WIRE = `'{"position":"v1:' || tenant_position || '","clientId":' || to_json(client_id)::text
  || ',"clientSeq":' || client_seq || ',"id":' || to_json(id)::text
  || ',"stream":' || to_json(stream)::text || ',"streamVersion":' || stream_version
  || ',"type":' || to_json(type)::text || ',"payload":' || payload::text
  || ',"at":' || at::bigint || ',"commandId":' || coalesce(to_json(command_id)::text, 'null') || '}'`

const WRITTEN_AT = 'at = trunc(at) AND abs(at) < 9007199254740992'

/**
 * The PostgreSQL adapter's `readPage`: one statement (one snapshot) whose first row holds the
 * head and the clients' records, then a row per event written as the wire's JSON, NULL for a
 * held one (its page is not written).
 */
export function postgresPage(pool: Pool, s: string) {
  return async (request: PageRequest): Promise<PageResult | undefined> => {
    const { tenant, after, limit, streams, held } = request
    const params: unknown[] = [
      tenant,
      after,
      limit,
      held.types,
      held.streams,
      request.clientIds ?? [],
    ]
    const filter = streams ? ' AND stream = ANY($7::text[])' : ''
    if (streams) params.push(streams)
    const { rows } = await pool.query<unknown[]>({
      text: `WITH ev AS (
          SELECT tenant_position AS tp, CASE WHEN NOT (${WRITTEN_AT})
            OR (type = ANY($4::text[]) AND strpos(payload::text, '"$enc"') > 0)
            OR stream = ANY($5::text[]) THEN NULL ELSE ${WIRE} END AS wire
          FROM ${s}.events WHERE tenant = $1 AND tenant_position > $2${filter}
          ORDER BY tenant_position LIMIT $3)
        SELECT NULL::bigint AS tp,
          (SELECT coalesce(max(tenant_position), 0) FROM ${s}.events WHERE tenant = $1)::text AS wire,
          coalesce((SELECT json_agg(c) FROM ${s}.clients c
            WHERE c.tenant = $1 AND c.client_id = ANY($6::text[])), '[]')::text AS clients
        UNION ALL SELECT tp, wire, NULL FROM ev
        ORDER BY tp NULLS FIRST`,
      values: params,
      rowMode: 'array',
    })
    const [head, ...events] = rows
    if (events.some((r) => r[1] === null)) return undefined
    return {
      text: events.map((r) => r[1]).join(','),
      count: events.length,
      last: events.length ? Number(events.at(-1)![0]) : 0,
      head: Number(head![1]),
      clients: (JSON.parse(head![2] as string) as unknown[]).map((c) => rowToClient(c)!),
    }
  }
}
