import type { JsonValue } from '../../protocol'
import { canonicalJson } from '../fingerprint'

/**
 * How an event's personal fields are stored: the first of them holds
 * `{ $enc: 'v1', subject, iv, data }`, AES-256-GCM of the canonical JSON of all of them
 * (`{ name, email }`) under the subject's key, with a random 96-bit IV (base64) and the tag at
 * the end of `data`; each other one holds `{ $enc: 'v1', subject, in: <that field> }`. One
 * cipher per event, not per field: a cipher costs more than the bytes it encrypts. The
 * additional data binds it to its tenant, event id and fields, so a ciphertext moved into
 * another event does not open. Delete the key and every copy, in the store, its WAL, backups
 * and replicas, is noise.
 */
export interface Envelope {
  $enc: 'v1'
  subject: string
  iv: string
  data: string
}

export const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16

/** Another personal field of the same event: its value is sealed in field `in`. */
export interface EnvelopeRef {
  $enc: 'v1'
  subject: string
  in: string
}

export function isEnvelopeRef(value: unknown): value is EnvelopeRef {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<EnvelopeRef>
  return v.$enc === 'v1' && typeof v.subject === 'string' && typeof v.in === 'string'
}

export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<Envelope>
  return (
    v.$enc === 'v1' &&
    typeof v.subject === 'string' &&
    typeof v.iv === 'string' &&
    typeof v.data === 'string'
  )
}

// node:crypto is synchronous and several times cheaper than a Web Crypto promise per value; it is
// looked up at run time so bundles for browsers (the msw mock) never include it.
const node =
  typeof process !== 'undefined' && typeof process.getBuiltinModule === 'function'
    ? process.getBuiltinModule('node:crypto')
    : undefined

export function newKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(KEY_BYTES))
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))

/** Where a value sits: its tenant, event and field (the additional authenticated data). */
export interface Place {
  tenant: string
  eventId: string
  field: string
}

/** The additional authenticated data of a place, the same text for both implementations. */
const additionalText = (place: Place) =>
  `strata/v1\u0000${place.tenant}\u0000${place.eventId}\u0000${place.field}`

/** Sealing and opening without a promise per value: Node's, when there (else undefined). */
export const sync = node
  ? {
      seal(key: Uint8Array, subject: string, place: Place, value: JsonValue): Envelope {
        const iv = nextIv()
        const cipher = node.createCipheriv('aes-256-gcm', key, iv)
        cipher.setAAD(Buffer.from(additionalText(place)))
        const data = Buffer.concat([
          cipher.update(canonicalJson(value), 'utf8'),
          cipher.final(),
          cipher.getAuthTag(),
        ])
        return { $enc: 'v1', subject, iv: iv.toString('base64'), data: data.toString('base64') }
      },
      open(key: Uint8Array, place: Place, envelope: Envelope): JsonValue | undefined {
        // Ciphertext, IV and additional data decoded into one reused buffer (never the
        // plaintext): three buffers an event were a tenth of a read's cost, most of it in GC.
        const aad = additionalText(place)
        const need = envelope.data.length + envelope.iv.length + aad.length * 3
        if (scratch.length < need) scratch = Buffer.allocUnsafe(Math.max(need, 2 * scratch.length))
        const size = scratch.write(envelope.data, 0, 'base64')
        if (size < TAG_BYTES) return undefined
        const ivEnd = size + scratch.write(envelope.iv, size, 'base64')
        const aadEnd = ivEnd + scratch.write(aad, ivEnd, 'utf8')
        try {
          const decipher = node.createDecipheriv('aes-256-gcm', key, scratch.subarray(size, ivEnd))
          decipher.setAAD(scratch.subarray(ivEnd, aadEnd))
          decipher.setAuthTag(scratch.subarray(size - TAG_BYTES, size))
          // Bytes out, one utf8 decoding: a string out of update() and final() each makes a decoder.
          const text = decipher.update(scratch.subarray(0, size - TAG_BYTES)).toString('utf8')
          decipher.final()
          return JSON.parse(text) as JsonValue
        } catch {
          return undefined
        }
      },
    }
  : undefined

let scratch = node ? Buffer.allocUnsafe(4096) : undefined!

// IVs from one pool of random bytes: a call into the random source per value costs more than
// the cipher. Each IV is still 96 random bits, never reused.
let pool: Buffer | undefined
let used = 0
const nextIv = () => {
  if (!pool || used + IV_BYTES > pool.length) {
    pool = node!.randomBytes(IV_BYTES * 1024)
    used = 0
  }
  const iv = pool.subarray(used, used + IV_BYTES)
  used += IV_BYTES
  return iv
}

/** Web Crypto's AES-GCM: browsers (the msw mock) and edge runtimes. */
const webKey = (key: Uint8Array, use: KeyUsage) =>
  crypto.subtle.importKey('raw', key as BufferSource, 'AES-GCM', false, [use])

export async function seal(
  key: Uint8Array,
  subject: string,
  place: Place,
  value: JsonValue,
): Promise<Envelope> {
  if (sync) return sync.seal(key, subject, place, value)
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const additionalData = new TextEncoder().encode(additionalText(place))
  const plain = new TextEncoder().encode(canonicalJson(value))
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData },
    await webKey(key, 'encrypt'),
    plain as BufferSource,
  )
  return { $enc: 'v1', subject, iv: toBase64(iv), data: toBase64(new Uint8Array(data)) }
}

/** The value, or undefined when the envelope does not open with this key (tampered, moved). */
export async function open(
  key: Uint8Array,
  place: Place,
  envelope: Envelope,
): Promise<JsonValue | undefined> {
  if (sync) return sync.open(key, place, envelope)
  const additionalData = new TextEncoder().encode(additionalText(place))
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64(envelope.iv) as BufferSource, additionalData },
      await webKey(key, 'decrypt'),
      fromBase64(envelope.data) as BufferSource,
    )
    return JSON.parse(new TextDecoder().decode(plain)) as JsonValue
  } catch {
    return undefined
  }
}
