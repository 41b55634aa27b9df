import { requestChecker as check } from './check'
import { StrataWireError } from './errors'
import { checkProtocol } from './requests'
import { decodeToken, type PositionToken } from './token'
import { FIELD_LIMITS } from './types'

/** `GET /events` query, as a client builds it. */
export interface ReadEventsQuery {
  after?: PositionToken
  limit?: number
  /** Long poll: wait up to this many milliseconds when nothing is after `after`. */
  wait?: number
  /** Ask for this client's `lastSeq` in the same snapshot. */
  clientId?: string
  /** Only these streams; default every stream the caller may read. */
  streams?: readonly string[]
}

/** The parsed query, as the server uses it. */
export interface ParsedReadQuery {
  after: number
  limit: number
  wait: number
  clientId: string | undefined
  streams: string[] | undefined
}

export interface ReadQueryLimits {
  defaultLimit: number
  maxLimit: number
  /** Longer waits are shortened to this, not refused. */
  maxWaitMs: number
}

/** Builds the search string of `GET /events` (without `?`). */
export function buildReadEventsQuery(query: ReadEventsQuery): string {
  const params = new URLSearchParams()
  if (query.after !== undefined) params.set('after', query.after)
  if (query.limit !== undefined) params.set('limit', String(query.limit))
  if (query.wait !== undefined) params.set('wait', String(query.wait))
  if (query.clientId !== undefined) params.set('clientId', query.clientId)
  for (const stream of query.streams ?? []) params.append('stream', stream)
  return params.toString()
}

const KNOWN = new Set(['after', 'limit', 'wait', 'clientId', 'stream', 'protocol'])

/** Parses a `GET /events` query; throws `bad_request`/`bad_token` naming the parameter. */
export function parseReadEventsQuery(
  params: URLSearchParams,
  limits: ReadQueryLimits,
): ParsedReadQuery {
  for (const key of params.keys()) {
    if (!KNOWN.has(key)) {
      throw new StrataWireError(
        'bad_request',
        `Unknown query parameter ${JSON.stringify(key)}; known: ${[...KNOWN].join(', ')}`,
        { path: [key] },
      )
    }
  }
  const protocol = single(params, 'protocol')
  if (protocol !== undefined) checkProtocol(integerParam(protocol, 'protocol', 1), ['protocol'])
  const after = single(params, 'after')
  const limit = single(params, 'limit')
  const wait = single(params, 'wait')
  const clientId = single(params, 'clientId')
  const streams = params.getAll('stream')
  return {
    after: after === undefined ? 0 : decodeToken(after, ['after']),
    limit:
      limit === undefined ? limits.defaultLimit : integerParam(limit, 'limit', 1, limits.maxLimit),
    wait: wait === undefined ? 0 : Math.min(integerParam(wait, 'wait', 0), limits.maxWaitMs),
    clientId:
      clientId === undefined
        ? undefined
        : check.string(clientId, ['clientId'], FIELD_LIMITS.clientIdLength),
    streams: streams.length
      ? streams.map((s, i) => check.string(s, ['stream', i], FIELD_LIMITS.streamLength))
      : undefined,
  }
}

function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name)
  if (values.length > 1) {
    throw new StrataWireError(
      'bad_request',
      `Query parameter ${name} given ${values.length} times`,
      {
        path: [name],
      },
    )
  }
  return values[0]
}

function integerParam(text: string, name: string, min: number, max?: number): number {
  const value = /^(0|[1-9][0-9]{0,15})$/.test(text) ? Number(text) : Number.NaN
  return check.integer(Number.isNaN(value) ? text : value, [name], min, max)
}
