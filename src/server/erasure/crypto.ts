import type { JsonValue } from '../../protocol'
import { canonicalJson } from '../fingerprint'
import { GCM_IV_BYTES as IV_BYTES, nodeGcm, GCM_TAG_BYTES as TAG_BYTES } from './gcm'

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
 * GCM from a persistent AES-ECB context per key and GHASH in JavaScript (gcm.ts): a native GCM
 * context made per event was most of a seal's and an open's cost. Its per-key state is weakly
 * held by the key's bytes, so it goes when they go (a forget drops the subject's key from the
 * cache), and never leaves gcm.ts.
 */
const gcm = node ? nodeGcm(node) : undefined!

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
        // The additional data, the plaintext and then IV, ciphertext and tag, in the reused
        // buffer: the data is encoded from there, with no buffers concatenated.
        const aad = additionalText('v2', place)
        const plain = canonicalJson(values)
        room((aad.length + 2 * plain.length) * 3 + IV_BYTES + TAG_BYTES)
        const aadEnd = scratch.write(aad, 0, 'utf8')
        const plainEnd = aadEnd + scratch.write(plain, aadEnd, 'utf8')
        iv.copy(scratch, plainEnd)
        const bodyAt = plainEnd + IV_BYTES
        gcm.sealAt(key, scratch, plainEnd, 0, aadEnd, aadEnd, plainEnd, scratch, bodyAt)
        // The plaintext must not outlive its seal in a buffer kept for the process's life.
        scratch.fill(0, aadEnd, plainEnd)
        const end = bodyAt + (plainEnd - aadEnd) + TAG_BYTES
        return { $enc: 'v2', subject, data: scratch.toString('base64', plainEnd, end) }
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
        // v1 and v2 IVs are 96 bits (random); another length was never written, and does not open.
        if (ivTo - ivFrom !== IV_BYTES) return undefined
        const plain = gcm.openTextAt(key, scratch, ivFrom, ivEnd, aadEnd, from, size)
        if (plain === undefined) return undefined
        try {
          return JSON.parse(plain) as JsonValue
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
