import { type JsonValue, StrataWireError } from '../protocol'

/** Storage failures are temporary by nature (a database restarting): a 503 asks for a retry. */
export async function fromStorage<T>(work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (cause) {
    if (cause instanceof StrataWireError) throw cause
    throw new StrataWireError(
      'unavailable',
      'Storage is unavailable; nothing was stored. Retry later',
      { cause },
    )
  }
}

export function json(
  body: JsonValue | object,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return jsonText(JSON.stringify(body), status, headers)
}

/** A JSON answer already encoded (`GET /events` writes its own around the stored payloads). */
export function jsonText(text: string, status = 200, headers: Record<string, string> = {}) {
  return new Response(text, {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    },
  })
}

/** The response of any error: wire errors keep their code; anything else is an opaque 500. */
export function errorResponse(
  error: unknown,
  retryAfterSeconds: number,
  onError: (error: unknown) => void,
): Response {
  const wire =
    error instanceof StrataWireError
      ? error
      : new StrataWireError('internal', 'Internal server error', { cause: error })
  // Report failures, not answers: a view that is merely behind is an expected 503 without a cause.
  if (wire.status >= 500 && (wire.code === 'internal' || wire.cause !== undefined))
    onError(wire.cause ?? wire)
  const headers: Record<string, string> = {}
  // An error may name its own wait (whole seconds, rounded up); a 503 always names one.
  if (wire.retryAfterMs !== undefined && wire.retryAfterMs >= 0)
    headers['retry-after'] = String(Math.ceil(wire.retryAfterMs / 1000))
  else if (wire.code === 'unavailable') headers['retry-after'] = String(retryAfterSeconds)
  if (wire.code === 'unauthorized') headers['www-authenticate'] = 'Bearer'
  return json({ error: bounded(wire.toBody()) as JsonValue }, wire.status, headers)
}

const MAX_TEXT = 300
const MAX_ITEMS = 50

/**
 * An error body cut to a bounded size: messages and paths quote what the caller sent (a field
 * name, a view name, a path), and an answer must never grow with the input.
 */
function bounded(value: unknown, depth = 0): unknown {
  if (typeof value === 'string')
    return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value
  if (typeof value !== 'object' || value === null) return value
  if (depth > 8) return null
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => bounded(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value).slice(0, MAX_ITEMS))
    out[bounded(key) as string] = bounded(v, depth + 1)
  return out
}
