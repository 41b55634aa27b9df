/**
 * Ids for log entries: a random 52-bit start per store, then a counter, written in base 36. At
 * most 11 characters, so V8 keeps each a flat 32-byte string (13 and more would be a 56-byte
 * rope), and far cheaper than a UUID per event. Unique within a store; two stores collide only if
 * their ranges overlap (about n/2^52 for n events, per pair), and the server keys ids by client.
 */
export function ids(): () => string {
  const words = new Uint32Array(2)
  globalThis.crypto.getRandomValues(words)
  // The same 52 bits, kept as two small integers (27 high, 25 low): toString(36) of a number
  // beyond 2^31 takes V8's slow double path (~0.3-0.5 us an id), two small ones ~50 ns. The low
  // part is always 5 digits once padded (2^25 < 36^5), so an id reads back as (high, low); at
  // most 11 characters, still a flat string.
  let high = words[0]! & 0x7ffffff
  let low = words[1]! & 0x1ffffff
  let prefix = high.toString(36)
  return () => {
    const id = prefix + low.toString(36).padStart(5, '0')
    if (++low === 0x2000000) {
      low = 0
      high = (high + 1) & 0x7ffffff
      prefix = high.toString(36)
    }
    return id
  }
}

/** RFC 4122 version 4 UUID; `crypto.randomUUID` is missing on insecure origins (plain http). */
export function uuid(): string {
  if (typeof globalThis.crypto.randomUUID === 'function') return globalThis.crypto.randomUUID()
  const b = new Uint8Array(16)
  globalThis.crypto.getRandomValues(b)
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
