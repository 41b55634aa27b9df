import { utf8Length, type WireEvent } from '../protocol'

/**
 * JSON with object keys sorted, so equal values always give equal text. `masked`: a text to
 * write for some of the top-level object's keys in place of their values (a fingerprint
 * without personal values, erasure/content.ts), undefined for the others.
 */
export function canonicalJson(
  value: unknown,
  masked?: (key: string) => string | undefined,
): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  let out: string
  if (Array.isArray(value)) {
    // An array of no objects is JSON.stringify's (a seal's values: a tenth of its cost, else).
    let flat = true
    for (let i = 0; i < value.length && flat; i++)
      flat = value[i] === null || typeof value[i] !== 'object'
    if (flat) return JSON.stringify(value)
    out = '['
    for (let i = 0; i < value.length; i++) {
      if (i) out += ','
      out += canonicalJson(value[i])
    }
    return `${out}]`
  }
  const keys = Object.keys(value)
  // Sorting is the costly part; keys that already arrive in order (a client that sends canonical
  // JSON, small objects) skip it. Same comparison as sort(): UTF-16 code units.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort()
      break
    }
  }
  out = '{'
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    if (i) out += ','
    const mask = masked?.(key)
    out += `${JSON.stringify(key)}:${mask ?? canonicalJson((value as Record<string, unknown>)[key])}`
  }
  return `${out}}`
}

/**
 * Everything the client decided about an event except its seq, keys in sorted order. A retry
 * must match it exactly; the same seq with another fingerprint is a different event (409).
 */
export function eventContent(
  event: WireEvent,
  /** The payload's canonical JSON, when the caller made it (`canonicalJson` with a mask). */
  payloadText = canonicalJson(event.payload ?? null),
): string {
  return (
    `{"at":${JSON.stringify(event.at)},"commandId":${JSON.stringify(event.commandId ?? null)}` +
    // Only when set, so the fingerprints of events stored before the field existed stay the same.
    (event.dependsOn === undefined ? '' : `,"dependsOn":${event.dependsOn}`) +
    `,"expectedVersion":${JSON.stringify(event.expectedVersion ?? null)},"id":${JSON.stringify(event.id)}` +
    `,"payload":${payloadText},"stream":${JSON.stringify(event.stream)}` +
    `,"type":${JSON.stringify(event.type)}}`
  )
}

export function contentBytes(content: string): number {
  return typeof Buffer === 'undefined' ? utf8Length(content) : Buffer.byteLength(content)
}

/**
 * Whether content is over `max` UTF-8 bytes. A UTF-16 code unit is at most 3 bytes, so a short
 * string needs no count; undefined when within the limit, else the exact byte count.
 */
export function bytesOver(content: string, max: number): number | undefined {
  if (content.length * 3 <= max) return undefined
  const bytes = contentBytes(content)
  return bytes > max ? bytes : undefined
}

// Node's hash is synchronous and several times cheaper per event than Web Crypto's promise. It is
// looked up at run time, not imported, so bundles for browsers (the msw mock) never include it.
const nodeCrypto =
  typeof process !== 'undefined' && typeof process.getBuiltinModule === 'function'
    ? process.getBuiltinModule('node:crypto')
    : undefined

/** SHA-256 hex when it can be had synchronously (Node), else undefined. */
export function fingerprintSync(content: string): string | undefined {
  if (!nodeCrypto) return undefined
  // The one-shot hash (Node 20.12+) skips the Hash object: about half the cost per event.
  if (typeof nodeCrypto.hash === 'function') return nodeCrypto.hash('sha256', content, 'hex')
  return nodeCrypto.createHash('sha256').update(content).digest('hex')
}

/** SHA-256 hex: node:crypto on Node, Web Crypto in browsers (msw) and edge runtimes. */
export async function fingerprint(content: string): Promise<string> {
  const sync = fingerprintSync(content)
  if (sync !== undefined) return sync
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(content))
  let hex = ''
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0')
  return hex
}
