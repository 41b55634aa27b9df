/**
 * Ids for log entries: a random 52-bit start per store, then a counter, written in base 36. They
 * are 10 or 11 characters made directly from a number: a flat 32-byte string, where a prefix +
 * counter concatenation would be a 56-byte rope in V8, and far cheaper than a UUID per event.
 * Two stores collide only if their ranges overlap: about n/2^52 for n events, per pair of stores.
 */
export function ids(): () => string {
  const words = new Uint32Array(2)
  globalThis.crypto.getRandomValues(words)
  let next = (words[0]! & 0xfffff) * 2 ** 32 + words[1]!
  return () => (next++).toString(36)
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
