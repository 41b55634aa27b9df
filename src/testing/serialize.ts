import type { SuperJSONResult } from 'superjson'
import { sessionSerializer } from '../protocol/values'
import { messageOf, SessionFormatError } from './errors'
import type { Session } from './format'

export { sessionSerializer }

export interface SerializeOptions {
  /** Spaces to indent with; 0 writes one line. Default 2, so committed sessions diff well. */
  indent?: number
}

/**
 * The text of a session file: the session as plain, readable JSON, plus a `superjson` key with
 * superjson's annotations for the values JSON cannot hold (Date, Map, Set, BigInt, undefined,
 * typed arrays, NaN, Infinity, -0, RegExp). Shared references are written out in full.
 */
export function serializeSession(session: Session<any>, options: SerializeOptions = {}): string {
  const { json, meta } = sessionSerializer.serialize(session)
  const annotations = meta?.values ? { values: meta.values, ...(meta.v ? { v: meta.v } : {}) } : {}
  const body = meta?.values ? { ...(json as object), superjson: annotations } : json
  return JSON.stringify(body, null, options.indent ?? 2)
}

/** Applies the `superjson` annotations of a parsed file, restoring the values JSON lost. */
export function reviveSession(raw: Record<string, unknown>): Record<string, unknown> {
  if (!Object.hasOwn(raw, 'superjson')) return raw
  const { superjson: meta, ...json } = raw
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    throw new SessionFormatError('superjson', "an object of superjson's annotations", typeof meta)
  }
  try {
    return sessionSerializer.deserialize({ json, meta } as SuperJSONResult) as Record<
      string,
      unknown
    >
  } catch (error) {
    throw new SessionFormatError(
      'superjson',
      'annotations that match the values of the file',
      `annotations superjson cannot apply (${messageOf(error)})`,
      undefined,
      { cause: error },
    )
  }
}
