import { SuperJSON } from 'superjson'

/**
 * The superjson instance sessions are written and read with (the session serializer), and server snapshots' states
 * cross the wire with. It also keeps what superjson alone
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
