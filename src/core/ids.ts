const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'

function randomChars(count: number): string {
  const bytes = new Uint8Array(count)
  globalThis.crypto.getRandomValues(bytes)
  let out = ''
  for (const b of bytes) out += ALPHABET[b % 36]
  return out
}

/**
 * Ids for log entries: a random prefix per store and a counter. Short strings (V8 keeps strings
 * under 13 characters flat), unique across stores and clients thanks to the 10-character
 * (~51-bit) prefix, and much cheaper than a UUID per event.
 */
export function ids(): () => string {
  const prefix = randomChars(10)
  let counter = 0
  return () => prefix + (counter++).toString(36)
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
