/**
 * Errors that cross the wire. The server answers every failure with `{ error: WireErrorBody }`
 * and the HTTP status of its code; the client turns the body back into a `StrataWireError` with
 * `StrataWireError.fromBody` or `readWireError(response)`, so both sides share one vocabulary.
 */

/** A location inside a JSON value: object keys and array indexes, outermost first. */
export type WirePath = readonly (string | number)[]

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

/** HTTP status of each code. Codes marked "per event" appear in `results[i].error`. */
export const ERROR_STATUS = {
  /** Malformed JSON, wrong types, missing fields; `path` names the failing field. */
  bad_request: 400,
  /** A position token that is not a token this server issues (`v1:<integer>`). */
  bad_token: 400,
  /** No or invalid credential. Ask the app for a fresh one. */
  unauthorized: 401,
  /** The principal may not do this (or, per event, write that stream). */
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  /** The same `(clientId, clientSeq)` was sent before with different content. Nothing stored. */
  conflict: 409,
  /** The first new `clientSeq` skips ahead; `details.expected` names the one to send. */
  sequence_gap: 409,
  /** Per event: a stream's `expectedVersion` does not match; `details.actual` is its version. */
  version_conflict: 409,
  /**
   * Per event: this client already stored an event with this `id` under another `clientSeq`
   * (ids are unique per client; another client's event with the same id is no duplicate). The
   * result's `position` (and `details.position`) is where this client's event is stored.
   */
  duplicate_id: 409,
  /**
   * Over a limit; `details` is `{ limit, max, received? }`. Of the whole request (`maxBodyBytes`,
   * `maxEventsPerBatch`): a 413 that stores nothing. Of one event (`maxEventBytes`): per event,
   * that event rejected and the rest processed.
   */
  too_large: 413,
  /** Content-Type is not JSON, or Content-Encoding is not gzip/identity. */
  unsupported_media_type: 415,
  /** Per event: the payload failed the server's schema; `details.issues` lists why. */
  invalid: 422,
  /** The request's `protocol` is not one this server speaks; `details.supported` lists them. */
  update_required: 426,
  internal: 500,
  /** Client side only: the server answered something that is not this protocol. */
  bad_response: 502,
  /** Temporary: storage down, or a read model not caught up in time. Retry after `Retry-After`. */
  unavailable: 503,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[]

export interface WireErrorBody {
  code: ErrorCode
  message: string
  path?: (string | number)[]
  details?: JsonObject
}

/** The body of every non-2xx response. */
export interface ErrorResponse {
  error: WireErrorBody
}

const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['internal', 'unavailable'])

export interface WireErrorOptions {
  path?: WirePath | undefined
  details?: JsonObject | undefined
  cause?: unknown
  /** Defaults to the code's status; set when a response carried a different one. */
  status?: number
  /** How long to wait before retrying: the `Retry-After` header, read or sent. */
  retryAfterMs?: number | undefined
}

/** A typed error with structured fields; its body is what crosses the network. */
export class StrataWireError extends Error {
  override name = 'StrataWireError'
  readonly code: ErrorCode
  readonly status: number
  readonly path: WirePath | undefined
  readonly details: JsonObject | undefined
  /**
   * Milliseconds to wait before retrying, from the response's `Retry-After` header (seconds or
   * an HTTP date) when `readWireError` made it; on the server, sent as that header (rounded up
   * to whole seconds). Not part of the body.
   */
  readonly retryAfterMs: number | undefined

  constructor(code: ErrorCode, message: string, options: WireErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.status = options.status ?? ERROR_STATUS[code]
    this.path = options.path
    this.details = options.details
    this.retryAfterMs = options.retryAfterMs
  }

  /** True for failures that may pass on their own (5xx); a client retries these with backoff. */
  get retryable(): boolean {
    return RETRYABLE.has(this.code)
  }

  toBody(): WireErrorBody {
    const body: WireErrorBody = { code: this.code, message: this.message }
    if (this.path) body.path = [...this.path]
    if (this.details) body.details = this.details
    return body
  }

  toJSON(): WireErrorBody {
    return this.toBody()
  }

  static fromBody(body: WireErrorBody, status?: number, retryAfterMs?: number): StrataWireError {
    return new StrataWireError(body.code, body.message, {
      path: body.path,
      details: body.details,
      status: status ?? ERROR_STATUS[body.code],
      retryAfterMs,
    })
  }
}

export function isWireError(value: unknown): value is StrataWireError {
  return value instanceof StrataWireError
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value)
}

/** `['events', 2, 'payload']` → `events[2].payload`, for messages. */
export function formatPath(path: WirePath): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part
    else out += `[${JSON.stringify(part)}]`
  }
  return out || '(root)'
}

/** A short, safe description of a received value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'nothing'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value
    return `the string ${JSON.stringify(shown)}`
  }
  return `${typeof value} ${String(value)}`
}
