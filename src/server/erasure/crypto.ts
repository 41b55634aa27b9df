import type { KeyObject } from 'node:crypto'
import type { JsonValue } from '../../protocol'
import { canonicalJson } from '../fingerprint'

/**
 * How an event's personal fields are stored (v2, written now): the first of them holds
 * `{ $enc: 'v2', subject, data }`, AES-256-GCM under the subject's key of the canonical JSON of
 * all their values in order (`["Ada", "ada@example.com"]`), `data` the base64 of a random 96-bit
 * IV, the ciphertext and the tag; each other one holds `{ $enc: 'v2' }`. One cipher per event,
 * not per field: a cipher costs more than the bytes it encrypts. The additional data binds it
 * to its version, tenant, client, event id and fields (in order), so a ciphertext moved into
 * another event (another client's with the same id too), or fields moved around in one, do
 * not open. Delete the key and every copy, in the
 * store, its WAL, backups and replicas, is noise.
 *
 * v1, still read (stores written before v2 hold it): `{ $enc: 'v1', subject, iv, data }` with
 * the IV apart and an object of the fields sealed (`{ email, name }`), and
 * `{ $enc: 'v1', subject, in: <that field> }` in each other field. v2 is about a fifth smaller
 * a row and decodes one base64 text an event instead of two.
 */
export type Envelope = EnvelopeV2 | EnvelopeV1

export interface EnvelopeV2 {
  $enc: 'v2'
  subject: string
  data: string
}

export interface EnvelopeV1 {
  $enc: 'v1'
  subject: string
  iv: string
  data: string
}

/** Another personal field of the same event: its value is sealed with the envelope's. */
export type EnvelopeRef = { $enc: 'v2' } | { $enc: 'v1'; subject: string; in: string }

export const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16

export function isEnvelopeRef(value: unknown): value is EnvelopeRef {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { $enc?: unknown; subject?: unknown; in?: unknown; data?: unknown }
  if (v.$enc === 'v2') return v.data === undefined && v.subject === undefined
  return v.$enc === 'v1' && typeof v.subject === 'string' && typeof v.in === 'string'
}

export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<EnvelopeV1> | Partial<EnvelopeV2>
  if (typeof v.subject !== 'string' || typeof v.data !== 'string') return false
  return v.$enc === 'v2' || (v.$enc === 'v1' && typeof (v as EnvelopeV1).iv === 'string')
}

// node:crypto is synchronous and several times cheaper than a Web Crypto promise per value; it is
// looked up at run time so bundles for browsers (the msw mock) never include it.
const node =
  typeof process !== 'undefined' && typeof process.getBuiltinModule === 'function'
    ? process.getBuiltinModule('node:crypto')
    : undefined

/**
 * Node's handle of a key's bytes, made once per key (`createCipheriv` with a KeyObject skips
 * checking and importing the bytes each call: ~1.4 us an event on a quiet machine; under load
 * (Node 20.20) within the noise, +-0.5 us, either way). Weakly held by the bytes, so it
 * goes when they go: a forget drops the subject's key from the cache, and nothing else keeps
 * the handle, which is never handed out of this file.
 */
const handles = new WeakMap<Uint8Array, KeyObject>()
function handleOf(key: Uint8Array): KeyObject {
  let handle = handles.get(key)
  if (handle === undefined) {
    handle = node!.createSecretKey(key)
    handles.set(key, handle)
  }
  return handle
}

export function newKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(KEY_BYTES))
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))

/** Where a value sits: its tenant, event and fields (the additional authenticated data). */
export interface Place {
  tenant: string
  /** The event's client: ids are unique per client (v1 left it out). */
  clientId: string
  eventId: string
  /** The fields sealed together, comma-separated, the envelope's first. */
  field: string
}

/** The additional authenticated data of a place, the same text for both implementations. */
const additionalText = (version: Envelope['$enc'], place: Place) =>
  version === 'v1'
    ? `strata/v1\u0000${place.tenant}\u0000${place.eventId}\u0000${place.field}`
    : `strata/v2\u0000${place.tenant}\u0000${place.clientId}\u0000${place.eventId}\u0000${place.field}`

/**
 * The values as sealed: v2 an array in the fields' order, v1 an object by field; undefined when
 * the envelope does not open with this key (tampered, moved, forgotten and made anew).
 */
export type Opened = JsonValue | undefined

/** Sealing and opening without a promise per value: Node's, when there (else undefined). */
export const sync = node
  ? {
      seal(key: Uint8Array, subject: string, place: Place, values: JsonValue[]): EnvelopeV2 {
        const iv = nextIv()
        const cipher = node.createCipheriv('aes-256-gcm', handleOf(key), iv)
        // The additional data, the plaintext and then IV, ciphertext and tag, in the reused
        // buffer: the data is encoded from there, with no buffers concatenated.
        const aad = additionalText('v2', place)
        const plain = canonicalJson(values)
        room((aad.length + 2 * plain.length) * 3 + IV_BYTES + TAG_BYTES)
        const aadEnd = scratch.write(aad, 0, 'utf8')
        cipher.setAAD(scratch.subarray(0, aadEnd))
        const plainEnd = aadEnd + scratch.write(plain, aadEnd, 'utf8')
        const body = cipher.update(scratch.subarray(aadEnd, plainEnd))
        // The plaintext must not outlive its seal in a buffer kept for the process's life.
        scratch.fill(0, aadEnd, plainEnd)
        cipher.final()
        iv.copy(scratch, plainEnd)
        body.copy(scratch, plainEnd + IV_BYTES)
        const tagAt = plainEnd + IV_BYTES + body.length
        cipher.getAuthTag().copy(scratch, tagAt)
        return {
          $enc: 'v2',
          subject,
          data: scratch.toString('base64', plainEnd, tagAt + TAG_BYTES),
        }
      },
      open(key: Uint8Array, place: Place, envelope: Envelope): Opened {
        // Ciphertext, IV and additional data decoded into one reused buffer (never the
        // plaintext): three buffers an event were a tenth of a read's cost, most of it in GC.
        // Its layout: data, then v1's IV (v2's leads data), then the additional data.
        const aad = additionalText(envelope.$enc, place)
        const iv = envelope.$enc === 'v1' ? envelope.iv : ''
        room(envelope.data.length + iv.length + aad.length * 3)
        const size = scratch.write(envelope.data, 0, 'base64')
        const ivEnd = size + (iv ? scratch.write(iv, size, 'base64') : 0)
        const aadEnd = ivEnd + scratch.write(aad, ivEnd, 'utf8')
        const [ivFrom, ivTo, from] = iv ? [size, ivEnd, 0] : [0, IV_BYTES, IV_BYTES]
        if (size < from + TAG_BYTES) return undefined
        try {
          const decipher = node.createDecipheriv(
            'aes-256-gcm',
            handleOf(key),
            scratch.subarray(ivFrom, ivTo),
          )
          decipher.setAAD(scratch.subarray(ivEnd, aadEnd))
          decipher.setAuthTag(scratch.subarray(size - TAG_BYTES, size))
          // Bytes out, one utf8 decoding: a string out of update() and final() each makes a decoder.
          const text = decipher.update(scratch.subarray(from, size - TAG_BYTES)).toString('utf8')
          decipher.final()
          return JSON.parse(text) as JsonValue
        } catch {
          return undefined
        }
      },
    }
  : undefined

let scratch = node ? Buffer.allocUnsafe(4096) : undefined!
const room = (bytes: number) => {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafe(Math.max(bytes, 2 * scratch.length))
}

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

/** Web Crypto's AES-GCM: browsers (the msw mock) and edge runtimes; the same bytes as Node's. */
export const web = {
  async seal(
    key: Uint8Array,
    subject: string,
    place: Place,
    values: JsonValue[],
  ): Promise<EnvelopeV2> {
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
    const additionalData = new TextEncoder().encode(additionalText('v2', place))
    const plain = new TextEncoder().encode(canonicalJson(values))
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData },
      await webKey(key, 'encrypt'),
      plain as BufferSource,
    )
    const data = new Uint8Array(IV_BYTES + sealed.byteLength)
    data.set(iv)
    data.set(new Uint8Array(sealed), IV_BYTES)
    return { $enc: 'v2', subject, data: toBase64(data) }
  },
  async open(key: Uint8Array, place: Place, envelope: Envelope): Promise<Opened> {
    const additionalData = new TextEncoder().encode(additionalText(envelope.$enc, place))
    try {
      const data = fromBase64(envelope.data)
      const v1 = envelope.$enc === 'v1'
      if (data.length < (v1 ? 0 : IV_BYTES) + TAG_BYTES) return undefined
      const iv = v1 ? fromBase64(envelope.iv) : data.subarray(0, IV_BYTES)
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: iv as BufferSource, additionalData },
        await webKey(key, 'decrypt'),
        (v1 ? data : data.subarray(IV_BYTES)) as BufferSource,
      )
      return JSON.parse(new TextDecoder().decode(plain)) as JsonValue
    } catch {
      return undefined
    }
  },
}

const webKey = (key: Uint8Array, use: KeyUsage) =>
  crypto.subtle.importKey('raw', key as BufferSource, 'AES-GCM', false, [use])
