import { SuperJSON, type SuperJSONResult } from 'superjson'
import { messageOf, SessionFormatError } from './errors'
import type { Session } from './format'

/**
 * The superjson instance sessions are written and read with. It also keeps what superjson alone
 * loses: invalid Dates, NaN, ±Infinity and -0 inside Float32Array and Float64Array, and
 * BigInt64Array and BigUint64Array (which superjson cannot write at all). Register
 * the classes your states hold on it (`sessionSerializer.registerClass(Money)`) to keep them too.
 */
export const sessionSerializer = new SuperJSON()

sessionSerializer.registerCustom<Date, string>(
  {
    isApplicable: (v): v is Date => v instanceof Date && Number.isNaN(v.getTime()),
    serialize: () => 'Invalid Date',
    deserialize: () => new Date(Number.NaN),
  },
  'InvalidDate',
)

for (const Floats of [Float32Array, Float64Array]) {
  sessionSerializer.registerCustom<Float32Array | Float64Array, (number | string)[]>(
    {
      isApplicable: (v): v is Float32Array | Float64Array => v instanceof Floats,
      // JSON keeps finite numbers; the others are written as strings: "NaN", "Infinity", "-0".
      serialize: (v) =>
        Array.from(v, (n) => (Number.isFinite(n) && !Object.is(n, -0) ? n : numberText(n))),
      deserialize: (v) => new Floats(v.map((n) => Number(n))),
    },
    Floats.name,
  )
}

for (const BigInts of [BigInt64Array, BigUint64Array]) {
  sessionSerializer.registerCustom<BigInt64Array | BigUint64Array, string[]>(
    {
      isApplicable: (v): v is BigInt64Array | BigUint64Array => v instanceof BigInts,
      serialize: (v) => Array.from(v, String),
      deserialize: (v) => new BigInts(v.map((n) => BigInt(n))),
    },
    BigInts.name,
  )
}

function numberText(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n)
}

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
