import type { Cipher, KeyObject } from 'node:crypto'
import { ghash, ghashTable } from './ghash'

/**
 * AES-256-GCM (NIST SP 800-38D, 96-bit IVs only) from a persistent AES-256-ECB context per key
 * and GHASH in JavaScript: the same bytes as Node's and Web Crypto's GCM. Node makes a cipher
 * context per `createCipheriv('aes-256-gcm')` (~3-5 us an event, most of a seal's cost); one
 * ECB `update()` over the counter blocks J0, J0+1, ... gives the tag's mask E(J0) and the
 * keystream for under a microsecond, and GHASH of a small event's blocks (ghash.ts) about as
 * much. Table-driven GHASH in JavaScript is not constant-time against a local cache-timing
 * attacker (nor is OpenSSL's 4-bit fallback, nor noble-ciphers).
 *
 * Per key, made on its first use (~5 us) and weakly held by the key's bytes, so it lives as
 * long as the key does in the cache of keys (erasure/cache.ts: bounded, each tenant within its
 * share, so another tenant's keys never drop these) and a forget that drops the key drops it:
 * the ECB context, which holds the AES key schedule in native memory until it is collected (as
 * a KeyObject did), and GHASH's tables of H = E_K(0^128). About 2.1 KB a key (RSS; a KeyObject
 * was 0.33 KB): 34 MB at the cache's 16,384 keys (it held 50,000, 105 MB, before these states). A bound of its own here (a ring of 4,096,
 * 0a8fc42) let one tenant's keys empty every other's states (test/server/attack.gcmShare.test.ts).
 *
 * GHASH in JavaScript costs ~0.2 us a block where native GCM's is almost free: beyond
 * NATIVE_ABOVE bytes of additional data and text (measured: equal at ~250-290 bytes, 55 of them
 * additional data; 8 KiB took 81 us here, 7.8 natively) native GCM does it, with a KeyObject
 * made for the key on its first such use.
 */
type NodeCrypto = typeof import('node:crypto')

export const GCM_IV_BYTES = 12
export const GCM_TAG_BYTES = 16
const KEY_BYTES = 32
const NATIVE_ABOVE = 256

interface KeyState {
  ecb: Cipher
  table: Int32Array
  handle?: KeyObject
}

/** `nativeAbove`: from how many bytes of additional data and text native GCM does it (tests). */
export function nodeGcm(node: NodeCrypto, nativeAbove = NATIVE_ABOVE) {
  const states = new WeakMap<Uint8Array, KeyState>()
  const stateOf = (key: Uint8Array): KeyState => {
    let state = states.get(key)
    if (state === undefined) {
      const ecb = node.createCipheriv('aes-256-ecb', key, null).setAutoPadding(false)
      state = { ecb, table: ghashTable(ecb.update(new Uint8Array(16))) }
      states.set(key, state)
    }
    return state
  }
  const handleOf = (key: Uint8Array) => {
    const state = stateOf(key)
    state.handle ??= node.createSecretKey(key)
    return state.handle
  }

  // The counter blocks, reused (only the IV and counters are written there), a buffer for each
  // count of blocks up to 16 (ECB's update takes a whole buffer; a view of one costs more).
  const blocks: Buffer[] = []
  const s = new Int32Array(4)
  const tag = Buffer.alloc(GCM_TAG_BYTES)
  const given = Buffer.alloc(GCM_TAG_BYTES)

  /** E(J0) then the keystream of `bytes` (E(inc32^i(J0)), i = 1...), one ECB update. */
  const keystream = (ecb: Cipher, iv: Uint8Array, ivAt: number, bytes: number): Buffer => {
    const count = 1 + Math.ceil(bytes / 16)
    const input = blocks[count] ?? Buffer.alloc(count * 16)
    if (count <= 16) blocks[count] = input
    for (let i = 0; i < count; i++) {
      const at = i * 16
      for (let k = 0; k < GCM_IV_BYTES; k++) input[at + k] = iv[ivAt + k]!
      input.writeUInt32BE(i + 1, at + 12)
    }
    return ecb.update(input)
  }

  /** The tag: E(J0) (the keystream's first block) xor GHASH_H(A, C), into `tag`. */
  const tagOf = (
    table: Int32Array,
    mask: Buffer,
    aad: Uint8Array,
    aadFrom: number,
    aadTo: number,
    c: Uint8Array,
    from: number,
    to: number,
  ) => {
    ghash(table, aad, aadFrom, aadTo, c, from, to, s)
    for (let i = 0; i < 4; i++) tag.writeInt32BE(s[i]! ^ mask.readInt32BE(4 * i), 4 * i)
    return tag
  }

  /**
   * Seals the text in `data` from `from` to `to` with the IV at `ivAt` and the additional data
   * from `aadFrom` to `aadTo` (all in `data`), writing the ciphertext and then the tag into
   * `out` from `at`. Offsets, not views: a Buffer view costs about what a block of GHASH does.
   */
  function sealAt(
    key: Uint8Array,
    data: Buffer,
    ivAt: number,
    aadFrom: number,
    aadTo: number,
    from: number,
    to: number,
    out: Buffer,
    at: number,
  ) {
    const size = to - from
    if (aadTo - aadFrom + size > nativeAbove) {
      const iv = data.subarray(ivAt, ivAt + GCM_IV_BYTES)
      const cipher = node
        .createCipheriv('aes-256-gcm', handleOf(key), iv)
        .setAAD(data.subarray(aadFrom, aadTo))
      const body = cipher.update(data.subarray(from, to))
      cipher.final()
      body.copy(out, at)
      cipher.getAuthTag().copy(out, at + body.length)
      return
    }
    const { ecb, table } = stateOf(key)
    const stream = keystream(ecb, data, ivAt, size)
    for (let i = 0; i < size; i++) out[at + i] = data[from + i]! ^ stream[16 + i]!
    tagOf(table, stream, data, aadFrom, aadTo, out, at, at + size).copy(out, at + size)
  }

  /**
   * The plaintext of the ciphertext and tag in `data` from `from` to `to`, with the IV at
   * `ivAt` and the additional data from `aadFrom` to `aadTo`, as UTF-8 text; undefined when
   * the tag does not match (compared in constant time, before any plaintext is made).
   */
  function openTextAt(
    key: Uint8Array,
    data: Buffer,
    ivAt: number,
    aadFrom: number,
    aadTo: number,
    from: number,
    to: number,
  ): string | undefined {
    const size = to - from - GCM_TAG_BYTES
    if (size < 0 || key.length !== KEY_BYTES) return undefined
    if (aadTo - aadFrom + size > nativeAbove) {
      const plain = nativeOpen(
        key,
        data.subarray(ivAt, ivAt + GCM_IV_BYTES),
        data.subarray(aadFrom, aadTo),
        data.subarray(from, to),
        size,
      )
      return plain?.toString('utf8')
    }
    const stream = opened(key, data, ivAt, data, aadFrom, aadTo, data, from, size)
    return stream?.toString('utf8', 16, 16 + size)
  }

  /** The keystream buffer with the plaintext at 16 (E(J0) before it), or undefined. */
  function opened(
    key: Uint8Array,
    iv: Uint8Array,
    ivAt: number,
    aad: Uint8Array,
    aadFrom: number,
    aadTo: number,
    sealed: Uint8Array,
    from: number,
    size: number,
  ): Buffer | undefined {
    const { ecb, table } = stateOf(key)
    const stream = keystream(ecb, iv, ivAt, size)
    for (let i = 0; i < GCM_TAG_BYTES; i++) given[i] = sealed[from + size + i]!
    const computed = tagOf(table, stream, aad, aadFrom, aadTo, sealed, from, from + size)
    if (!node.timingSafeEqual(computed, given)) return undefined
    for (let i = 0; i < size; i++) stream[16 + i]! ^= sealed[from + i]!
    return stream
  }

  return {
    sealAt,
    openTextAt,
    /** Writes the ciphertext of `plain` and then the tag (16 bytes) into `out` from `at`. */
    seal(
      key: Uint8Array,
      iv: Uint8Array,
      aad: Uint8Array,
      plain: Uint8Array,
      out: Buffer,
      at: number,
    ) {
      if (iv.length !== GCM_IV_BYTES)
        throw new Error(`[strata] GCM takes a 96-bit IV, got ${iv.length} bytes`)
      // One buffer for sealAt: the IV, the additional data and the text, in that order.
      const data = Buffer.concat([iv, aad, plain])
      const aadTo = GCM_IV_BYTES + aad.length
      sealAt(key, data, 0, GCM_IV_BYTES, aadTo, aadTo, data.length, out, at)
    },
    /**
     * The plaintext of `sealed` (ciphertext then tag), or undefined when the tag does not match
     * (compared in constant time, before any plaintext is made). A view of a buffer of its own.
     */
    open(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Buffer | undefined {
      if (iv.length !== GCM_IV_BYTES || sealed.length < GCM_TAG_BYTES) return undefined
      // A key of another size (a damaged row) opens nothing, as native GCM's error did.
      if (key.length !== KEY_BYTES) return undefined
      const size = sealed.length - GCM_TAG_BYTES
      if (aad.length + size > nativeAbove) return nativeOpen(key, iv, aad, sealed, size)
      return opened(key, iv, 0, aad, 0, aad.length, sealed, 0, size)?.subarray(16, 16 + size)
    },
  }

  function nativeOpen(
    key: Uint8Array,
    iv: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
    size: number,
  ) {
    const decipher = node.createDecipheriv('aes-256-gcm', handleOf(key), iv).setAAD(aad)
    decipher.setAuthTag(sealed.subarray(size))
    const plain = decipher.update(sealed.subarray(0, size))
    try {
      decipher.final()
      return plain
    } catch {
      return undefined
    }
  }
}
