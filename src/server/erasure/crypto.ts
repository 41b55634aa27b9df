import type { JsonValue } from '../../protocol'
import { canonicalJson } from '../fingerprint'

/**
 * How a personal field is stored: `{ $enc: 'v1', subject, iv, data }`, AES-256-GCM of the
 * value's canonical JSON under the subject's key, with a random 96-bit IV per value (base64) and
 * the tag at the end of `data`. The additional data binds it to its tenant, event id and field,
 * so a ciphertext moved into another event or field does not open. Delete the key and every
 * copy of the value, in the store, its WAL, backups and replicas, is noise.
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

const additional = (tenant: string, eventId: string, field: string) =>
  new TextEncoder().encode(`strata/v1\u0000${tenant}\u0000${eventId}\u0000${field}`)

const toBase64 = (bytes: Uint8Array) =>
  typeof Buffer !== 'undefined'
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
    : btoa(String.fromCharCode(...bytes))
const fromBase64 = (text: string) =>
  typeof Buffer !== 'undefined'
    ? new Uint8Array(Buffer.from(text, 'base64'))
    : Uint8Array.from(atob(text), (c) => c.charCodeAt(0))

/** Where a value sits: its tenant, event and field (the additional authenticated data). */
export interface Place {
  tenant: string
  eventId: string
  field: string
}

export async function seal(
  key: Uint8Array,
  subject: string,
  place: Place,
  value: JsonValue,
): Promise<Envelope> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const plain = new TextEncoder().encode(canonicalJson(value))
  const aad = additional(place.tenant, place.eventId, place.field)
  let data: Uint8Array
  if (node) {
    const cipher = node.createCipheriv('aes-256-gcm', key, iv)
    cipher.setAAD(aad)
    data = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()])
  } else {
    const k = await crypto.subtle.importKey('raw', key as BufferSource, 'AES-GCM', false, [
      'encrypt',
    ])
    data = new Uint8Array(
      await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: aad },
        k,
        plain as BufferSource,
      ),
    )
  }
  return { $enc: 'v1', subject, iv: toBase64(iv), data: toBase64(data) }
}

/** The value, or undefined when the envelope does not open with this key (tampered, moved). */
export async function open(
  key: Uint8Array,
  place: Place,
  envelope: Envelope,
): Promise<JsonValue | undefined> {
  const iv = fromBase64(envelope.iv)
  const data = fromBase64(envelope.data)
  const aad = additional(place.tenant, place.eventId, place.field)
  try {
    let plain: Uint8Array
    if (node) {
      if (data.length < TAG_BYTES) return undefined
      const decipher = node.createDecipheriv('aes-256-gcm', key, iv)
      decipher.setAAD(aad)
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES))
      plain = Buffer.concat([
        decipher.update(data.subarray(0, data.length - TAG_BYTES)),
        decipher.final(),
      ])
    } else {
      const k = await crypto.subtle.importKey('raw', key as BufferSource, 'AES-GCM', false, [
        'decrypt',
      ])
      plain = new Uint8Array(
        await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: iv as BufferSource, additionalData: aad },
          k,
          data as BufferSource,
        ),
      )
    }
    return JSON.parse(new TextDecoder().decode(plain)) as JsonValue
  } catch {
    return undefined
  }
}
