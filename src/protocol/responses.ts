import { responseChecker as check } from './check'
import {
  ERROR_STATUS,
  isErrorCode,
  type JsonObject,
  type JsonValue,
  StrataWireError,
  type WireErrorBody,
} from './errors'
import { decodeToken } from './token'
import type {
  EventResult,
  LimitsResponse,
  PostEventsResponse,
  ReadEventsResponse,
  SnapshotResponse,
  StoredWireEvent,
} from './types'

/*
 * Parsers for what the server answers, for the client: they throw `bad_response` naming the
 * path when a body is not this protocol (a proxy's HTML page, an old server).
 */

export function parseErrorBody(value: unknown): WireErrorBody {
  const outer = check.object(value, [], ['error'])
  const raw = check.object(outer.error, ['error'], ['code', 'message', 'path', 'details'])
  if (!isErrorCode(raw.code)) check.fail(['error', 'code'], 'a known error code', raw.code)
  const body: WireErrorBody = {
    code: raw.code,
    message: check.string(raw.message, ['error', 'message'], 10_000, 0),
  }
  if (raw.path !== undefined) body.path = parsePath(raw.path, ['error', 'path'])
  if (raw.details !== undefined) {
    body.details = check.object(
      raw.details,
      ['error', 'details'],
      Object.keys(raw.details as object),
    ) as JsonObject
  }
  return body
}

function parsePath(value: unknown, at: (string | number)[]): (string | number)[] {
  return check
    .array(value, at)
    .map((part, i) =>
      typeof part === 'number'
        ? check.integer(part, [...at, i], 0)
        : check.string(part, [...at, i], 10_000, 0),
    )
}

function parseResult(value: unknown, at: (string | number)[]): EventResult {
  const raw = check.object(value, at, ['clientSeq', 'status', 'position', 'error'])
  const result: EventResult = {
    clientSeq: check.integer(raw.clientSeq, [...at, 'clientSeq'], 1),
    status: check.literal(raw.status, [...at, 'status'], ['applied', 'duplicate', 'rejected']),
  }
  if (raw.position !== undefined) result.position = token(raw.position, [...at, 'position'])
  if (raw.error !== undefined) result.error = parseErrorBody({ error: raw.error })
  return result
}

export function parsePostEventsResponse(value: unknown): PostEventsResponse {
  const raw = check.object(value, [], ['protocol', 'token', 'lastSeq', 'results'])
  return {
    protocol: check.integer(raw.protocol, ['protocol'], 1),
    token: token(raw.token, ['token']),
    lastSeq: check.integer(raw.lastSeq, ['lastSeq'], 0),
    results: check.array(raw.results, ['results']).map((r, i) => parseResult(r, ['results', i])),
  }
}

/** `path` with its last part replaced by `key`. */
function field(path: (string | number)[], key: string): (string | number)[] {
  path[path.length - 1] = key
  return path
}

function parseStoredEvent(value: unknown, at: (string | number)[]): StoredWireEvent {
  const raw = check.object(value, at, [
    'position',
    'clientId',
    'clientSeq',
    'id',
    'stream',
    'streamVersion',
    'type',
    'payload',
    'at',
    'commandId',
  ])
  // One path for all fields, named as each is checked: a read answers up to a thousand events,
  // and a failing check throws with the path as it is then. Checked in place: the object is
  // the parser's own, and has no other field (check.object), so no copy of it is made.
  const path = [...at, '']
  token(raw.position, field(path, 'position'))
  check.string(raw.clientId, field(path, 'clientId'), 10_000)
  check.integer(raw.clientSeq, field(path, 'clientSeq'), 1)
  check.string(raw.id, field(path, 'id'), 10_000)
  check.string(raw.stream, field(path, 'stream'), 10_000)
  check.integer(raw.streamVersion, field(path, 'streamVersion'), 1)
  check.string(raw.type, field(path, 'type'), 10_000)
  raw.payload ??= null
  check.number(raw.at, field(path, 'at'))
  if (raw.commandId !== null) check.string(raw.commandId, field(path, 'commandId'), 10_000)
  return raw as unknown as StoredWireEvent
}

export function parseReadEventsResponse(value: unknown): ReadEventsResponse {
  const raw = check.object(value, [], ['protocol', 'events', 'token', 'head', 'hasMore', 'lastSeq'])
  const response: ReadEventsResponse = {
    protocol: check.integer(raw.protocol, ['protocol'], 1),
    events: check.array(raw.events, ['events']).map((e, i) => parseStoredEvent(e, ['events', i])),
    token: token(raw.token, ['token']),
    head: token(raw.head, ['head']),
    hasMore: check.boolean(raw.hasMore, ['hasMore']),
  }
  if (raw.lastSeq !== undefined) response.lastSeq = check.integer(raw.lastSeq, ['lastSeq'], 0)
  return response
}

/** `GET /limits`; fields this client does not know are ignored, so a server may add limits. */
export function parseLimitsResponse(value: unknown): LimitsResponse {
  const raw = check.object(value, [], Object.keys((value ?? {}) as object))
  return {
    protocol: check.integer(raw.protocol, ['protocol'], 1),
    maxBodyBytes: check.integer(raw.maxBodyBytes, ['maxBodyBytes'], 1),
    maxEventsPerBatch: check.integer(raw.maxEventsPerBatch, ['maxEventsPerBatch'], 1),
    maxEventBytes: check.integer(raw.maxEventBytes, ['maxEventBytes'], 1),
  }
}

export function parseSnapshotResponse(value: unknown): SnapshotResponse {
  const raw = check.object(
    value,
    [],
    ['protocol', 'name', 'version', 'position', 'state', 'streams'],
  )
  if (!('state' in raw)) check.fail(['state'], 'the serialized state', undefined)
  const response: SnapshotResponse = {
    protocol: check.integer(raw.protocol, ['protocol'], 1),
    name: check.string(raw.name, ['name'], 10_000),
    version: check.string(raw.version, ['version'], 10_000, 0),
    position: token(raw.position, ['position']),
    state: raw.state as JsonValue,
  }
  if (raw.streams !== undefined) {
    const streams = check.object(raw.streams, ['streams'], Object.keys(raw.streams as object))
    response.streams = {}
    for (const [stream, version] of Object.entries(streams)) {
      response.streams[stream] = check.integer(version, ['streams', stream], 0)
    }
  }
  return response
}

function token(value: unknown, at: (string | number)[]): string {
  try {
    decodeToken(value, at)
  } catch {
    check.fail(at, 'a position token like "v1:42"', value)
  }
  return value as string
}

/**
 * The typed error of a non-2xx response, with `retryAfterMs` from its `Retry-After` header. A
 * body that is not a protocol error (a proxy's page) still gives an error with the status's
 * nearest code, the text kept in `cause`. `now` is the time an HTTP-date `Retry-After` is
 * measured from.
 */
export async function readWireError(
  response: Response,
  now: number = Date.now(),
): Promise<StrataWireError> {
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now)
  const text = await response.text().catch(() => '')
  let body: WireErrorBody | undefined
  try {
    body = parseErrorBody(JSON.parse(text))
  } catch (cause) {
    return new StrataWireError(
      codeForStatus(response.status),
      `HTTP ${response.status} ${response.statusText}`.trim(),
      { status: response.status, cause: text || cause, retryAfterMs },
    )
  }
  return StrataWireError.fromBody(body, response.status, retryAfterMs)
}

/**
 * A `Retry-After` header in milliseconds: delay-seconds (`120`) or an HTTP date, measured from
 * `now` (a date in the past is 0). Undefined when absent or unreadable.
 */
export function parseRetryAfter(
  header: string | null,
  now: number = Date.now(),
): number | undefined {
  if (header === null) return undefined
  const text = header.trim()
  if (/^[0-9]+$/.test(text)) {
    const seconds = Number(text)
    return Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : undefined
  }
  // An HTTP date names a weekday and a month; a bare number or junk is not one.
  if (!/[a-z]/i.test(text)) return undefined
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

function codeForStatus(status: number): WireErrorBody['code'] {
  const exact = (Object.keys(ERROR_STATUS) as WireErrorBody['code'][]).find(
    (code) => ERROR_STATUS[code] === status,
  )
  if (exact) return exact
  return status >= 500 ? 'unavailable' : 'bad_request'
}
