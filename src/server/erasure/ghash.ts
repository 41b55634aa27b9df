/**
 * GHASH (NIST SP 800-38D, 6.4), the authenticator of AES-GCM, in JavaScript with two small
 * tables per key (Shoup's 4-bit method, a byte a step: the 16 multiples of H by a byte's high
 * nibble and the 16 by its low one, 512 bytes a key). A field element is four big-endian
 * 32-bit words of its block; in GCM's bit order the first bit is the coefficient of x^0, so
 * multiplying by x shifts the 128 bits right.
 *
 * Measured (a seal of 47 bytes with 55 of additional data, 8 blocks to hash; CPU time under
 * load, bench/cipher.ts): over 1,000 keys in turn, as a page of events opens them, 3.5 us a
 * seal with these tables and 5.8 us with one 8-bit table (4 KiB a key: 4 MB of tables do not
 * stay in the core's cache), though one key alone seals in 2.7 us with it and 3.1 with these.
 * A loop over the bytes instead of the unrolled steps below was 2.5 times slower.
 *
 * Not constant-time against an attacker who can time this machine's cache: a lookup's address
 * depends on the data and on H, as in OpenSSL's 4-bit fallback and noble-ciphers. A remote
 * client sees no such timing.
 */

/** x^8 * (the coefficients of x^120..x^127, a byte), reduced: the bits to add to the top word. */
const REDUCE8 = Int32Array.from({ length: 256 }, (_, n) => {
  let w0 = 0
  for (let bit = 1; bit < 256; bit <<= 1) w0 = (w0 >>> 1) ^ (n & bit ? 0xe1000000 : 0)
  return w0
})

/** The table of H (E_K(0^128), 16 bytes): entry n (4 words at 4n) is n * H, n a byte. */
/** Four words at `to` = four words at `from` times x (a right shift, reduced). */
function timesX(t: Int32Array, from: number, to: number) {
  const carry = t[from + 3]! & 1
  t[to + 3] = (t[from + 3]! >>> 1) | (t[from + 2]! << 31)
  t[to + 2] = (t[from + 2]! >>> 1) | (t[from + 1]! << 31)
  t[to + 1] = (t[from + 1]! >>> 1) | (t[from]! << 31)
  t[to] = (t[from]! >>> 1) ^ (carry ? 0xe1000000 : 0)
}
/**
 * The tables of H (E_K(0^128), 16 bytes): entry n (4 words at 4n) is n * H for n the high
 * nibble of a byte (its first bit x^0), and at 64 + 4n, n * x^4 * H for n the low nibble.
 */
export function ghashTable(h: Uint8Array): Int32Array {
  const t = new Int32Array(128)
  for (let i = 0; i < 4; i++)
    t[32 + i] = (h[4 * i]! << 24) | (h[4 * i + 1]! << 16) | (h[4 * i + 2]! << 8) | h[4 * i + 3]!
  // Nibble 8 is x^0: 4, 2, 1 are H * x, x^2, x^3, and the low table's 8, 4, 2, 1 x^4 ... x^7;
  // the other entries are sums of those.
  timesX(t, 32, 16)
  timesX(t, 16, 8)
  timesX(t, 8, 4)
  timesX(t, 4, 64 + 32)
  timesX(t, 64 + 32, 64 + 16)
  timesX(t, 64 + 16, 64 + 8)
  timesX(t, 64 + 8, 64 + 4)
  for (let base = 0; base <= 64; base += 64)
    for (let n = 2; n < 16; n <<= 1)
      for (let m = 1; m < n; m++) {
        const to = base + 4 * (n + m),
          a = base + 4 * n,
          b = base + 4 * m
        t[to] = t[a]! ^ t[b]!
        t[to + 1] = t[a + 1]! ^ t[b + 1]!
        t[to + 2] = t[a + 2]! ^ t[b + 2]!
        t[to + 3] = t[a + 3]! ^ t[b + 3]!
      }
  return t
}

/** GHASH's running value (Y_i), a block for a last partial one, the block of lengths. */
const y = new Int32Array(4)
const pad = new Uint8Array(16)
const lengths = new Uint8Array(16)

/**
 * GHASH_H(A, C) into `out` (4 words): A the additional data (`a` from `aFrom` to `aTo`), C the
 * ciphertext, each padded with zeros to a block, then their lengths in bits, 64 bits each.
 */
export function ghash(
  t: Int32Array,
  a: Uint8Array,
  aFrom: number,
  aTo: number,
  c: Uint8Array,
  cFrom: number,
  cTo: number,
  out: Int32Array,
): void {
  y.fill(0)
  absorb(t, a, aFrom, aTo)
  absorb(t, c, cFrom, cTo)
  bits(aTo - aFrom, 0)
  bits(cTo - cFrom, 8)
  absorb(t, lengths, 0, 16)
  out.set(y)
}

/** A byte count as a 64-bit big-endian count of bits in `lengths` (exact below 2^53 bits). */
function bits(bytes: number, at: number) {
  const high = Math.floor(bytes / 0x20000000)
  const low = (bytes * 8) >>> 0
  for (let i = 0; i < 4; i++) {
    lengths[at + i] = high >>> (24 - 8 * i)
    lengths[at + 4 + i] = low >>> (24 - 8 * i)
  }
}

/**
 * Y = (Y xor block) * H for each block of `data` from `from` to `to`, the last one padded with
 * zeros. The product by Horner's rule over the block's 16 bytes, the last (the highest degree)
 * first: a = a * x^8 + high * H + low * x^4 * H.
 */
function absorb(t: Int32Array, data: Uint8Array, from: number, to: number) {
  let z0 = y[0]!
  let z1 = y[1]!
  let z2 = y[2]!
  let z3 = y[3]!
  const whole = to - ((to - from) & 15)
  for (let at = from; at < to; at += 16) {
    let d = data
    let i = at
    if (at >= whole) {
      pad.fill(0)
      for (let k = at; k < to; k++) pad[k - at] = data[k]!
      d = pad
      i = 0
    }
    z0 ^= (d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!
    z1 ^= (d[i + 4]! << 24) | (d[i + 5]! << 16) | (d[i + 6]! << 8) | d[i + 7]!
    z2 ^= (d[i + 8]! << 24) | (d[i + 9]! << 16) | (d[i + 10]! << 8) | d[i + 11]!
    z3 ^= (d[i + 12]! << 24) | (d[i + 13]! << 16) | (d[i + 14]! << 8) | d[i + 15]!
    let h = ((z3 >>> 4) & 15) << 2
    let l = ((z3 & 15) << 2) | 64
    let a0 = t[h]! ^ t[l]!
    let a1 = t[h + 1]! ^ t[l + 1]!
    let a2 = t[h + 2]! ^ t[l + 2]!
    let a3 = t[h + 3]! ^ t[l + 3]!
    let r = 0
    h = ((z3 >>> 12) & 15) << 2
    l = (((z3 >>> 8) & 15) << 2) | 64
    r = REDUCE8[a3 & 255]!
    a3 = ((a3 >>> 8) | (a2 << 24)) ^ t[h + 3]! ^ t[l + 3]!
    a2 = ((a2 >>> 8) | (a1 << 24)) ^ t[h + 2]! ^ t[l + 2]!
    a1 = ((a1 >>> 8) | (a0 << 24)) ^ t[h + 1]! ^ t[l + 1]!
    a0 = (a0 >>> 8) ^ r ^ t[h]! ^ t[l]!
    h = ((z3 >>> 20) & 15) << 2
    l = (((z3 >>> 16) & 15) << 2) | 64
    r = REDUCE8[a3 & 255]!
    a3 = ((a3 >>> 8) | (a2 << 24)) ^ t[h + 3]! ^ t[l + 3]!
    a2 = ((a2 >>> 8) | (a1 << 24)) ^ t[h + 2]! ^ t[l + 2]!
    a1 = ((a1 >>> 8) | (a0 << 24)) ^ t[h + 1]! ^ t[l + 1]!
    a0 = (a0 >>> 8) ^ r ^ t[h]! ^ t[l]!
    h = (z3 >>> 28) << 2
    l = (((z3 >>> 24) & 15) << 2) | 64
    r = REDUCE8[a3 & 255]!
    a3 = ((a3 >>> 8) | (a2 << 24)) ^ t[h + 3]! ^ t[l + 3]!
    a2 = ((a2 >>> 8) | (a1 << 24)) ^ t[h + 2]! ^ t[l + 2]!
    a1 = ((a1 >>> 8) | (a0 << 24)) ^ t[h + 1]! ^ t[l + 1]!
    a0 = (a0 >>> 8) ^ r ^ t[h]! ^ t[l]!
    h = ((z2 >>> 4) & 15) << 2
    l = ((z2 & 15) << 2) | 64
    r = REDUCE8[a3 & 255]!
    a3 = ((a3 >>> 8) | (a2 << 24)) ^ t[h + 3]! ^ t[l + 3]!
    a2 = ((a2 >>> 8) | (a1 << 24)) ^ t[h + 2]! ^ t[l + 2]!
    a1 = ((a1 >>> 8) | (a0 << 24)) ^ t[h + 1]! ^ t[l + 1]!
    a0 = (a0 >>> 8) ^ r ^ t[h]! ^ t[l]!
    h = ((z2 >>> 12) & 15) << 2
    l = (((z2 >>> 8) & 15) << 2) | 64
    r = REDUCE8[a3 & 255]!
    a3 = ((a3 >>> 8) | (a2 << 24)) ^ t[h + 3]! ^ t[l + 3]!
    a2 = ((a2 >>> 8) | (a1 << 24)) ^ t[h + 2]! ^ t[l + 2]!
    a1 = ((a1 >>> 8) | (a0 << 24)) ^ t[h + 1]! ^ t[l + 1]!
    a0 = (a0 >>> 8) ^ r ^ t[h]! ^ t[l]!
    h = ((z2 >>> 20) & 15) << 2
    l = (((z2 >>> 16) & 15) << 2) | 64
    r = REDUCE8[a3 & 255]!
    a3 = ((a3 >>> 8) | (a2 << 24)) ^ t[h + 3]! ^ t[l + 3]!
    a2 = ((a2 >>> 8) | (a1 << 24)) ^ t[h + 2]! ^ t[l + 2]!
    a1 = ((a1 >>> 8) | (a0 << 24)) ^ t[h + 1]! ^ t[l + 1]!
    a0 = (a0 >>> 8) ^ r ^ t[h]! ^ t[l]!
    h = (z2 >>> 28) << 2
    l = (((z2 >>> 24) & 15) << 2) | 64
    r = REDUCE8[a3 & 255]!
    a3 = ((a3 >>> 8) | (a2 << 24)) ^ t[h + 3]! ^ t[l + 3]!
    a2 = ((a2 >>> 8) | (a1 << 24)) ^ t[h + 2]! ^ t[l + 2]!
    a1 = ((a1 >>> 8) | (a0 << 24)) ^ t[h + 1]! ^ t[l + 1]!
    a0 = (a0 >>> 8) ^ r ^ t[h]! ^ t[l]!
    h = ((z1 >>> 4) & 15) << 2
    l = ((z1 & 15) << 2) | 64
    r = REDUCE8[a3 & 255]!
    a3 = ((a3 >>> 8) | (a2 << 24)) ^ t[h + 3]! ^ t[l + 3]!
    a2 = ((a2 >>> 8) | (a1 << 24)) ^ t[h + 2]! ^ t[l + 2]!
    a1 = ((a1 >>> 8) | (a0 << 24)) ^ t[h + 1]! ^ t[l + 1]!
    a0 = (a0 >>> 8) ^ r ^ t[h]! ^ t[l]!
    h = ((z1 >>> 12) & 15) << 2
    l = (((z1 >>> 8) & 15) << 2) | 64
    r = REDUCE8[a3 & 255]!
    a3 = ((a3 >>> 8) | (a2 << 24)) ^ t[h + 3]! ^ t[l + 3]!
    a2 = ((a2 >>> 8) | (a1 << 24)) ^ t[h + 2]! ^ t[l + 2]!
    a1 = ((a1 >>> 8) | (a0 << 24)) ^ t[h + 1]! ^ t[l + 1]!
    a0 = (a0 >>> 8) ^ r ^ t[h]! ^ t[l]!
    h = ((z1 >>> 20) & 15) << 2
    l = (((z1 >>> 16) & 15) << 2) | 64
    r = REDUCE8[a3 & 255]!
    a3 = ((a3 >>> 8) | (a2 << 24)) ^ t[h + 3]! ^ t[l + 3]!
    a2 = ((a2 >>> 8) | (a1 << 24)) ^ t[h + 2]! ^ t[l + 2]!
    a1 = ((a1 >>> 8) | (a0 << 24)) ^ t[h + 1]! ^ t[l + 1]!
    a0 = (a0 >>> 8) ^ r ^ t[h]! ^ t[l]!
    h = (z1 >>> 28) << 2
    l = (((z1 >>> 24) & 15) << 2) | 64
    r = REDUCE8[a3 & 255]!
    a3 = ((a3 >>> 8) | (a2 << 24)) ^ t[h + 3]! ^ t[l + 3]!
    a2 = ((a2 >>> 8) | (a1 << 24)) ^ t[h + 2]! ^ t[l + 2]!
    a1 = ((a1 >>> 8) | (a0 << 24)) ^ t[h + 1]! ^ t[l + 1]!
    a0 = (a0 >>> 8) ^ r ^ t[h]! ^ t[l]!
    h = ((z0 >>> 4) & 15) << 2
    l = ((z0 & 15) << 2) | 64
    r = REDUCE8[a3 & 255]!
    a3 = ((a3 >>> 8) | (a2 << 24)) ^ t[h + 3]! ^ t[l + 3]!
    a2 = ((a2 >>> 8) | (a1 << 24)) ^ t[h + 2]! ^ t[l + 2]!
    a1 = ((a1 >>> 8) | (a0 << 24)) ^ t[h + 1]! ^ t[l + 1]!
    a0 = (a0 >>> 8) ^ r ^ t[h]! ^ t[l]!
    h = ((z0 >>> 12) & 15) << 2
    l = (((z0 >>> 8) & 15) << 2) | 64
    r = REDUCE8[a3 & 255]!
    a3 = ((a3 >>> 8) | (a2 << 24)) ^ t[h + 3]! ^ t[l + 3]!
    a2 = ((a2 >>> 8) | (a1 << 24)) ^ t[h + 2]! ^ t[l + 2]!
    a1 = ((a1 >>> 8) | (a0 << 24)) ^ t[h + 1]! ^ t[l + 1]!
    a0 = (a0 >>> 8) ^ r ^ t[h]! ^ t[l]!
    h = ((z0 >>> 20) & 15) << 2
    l = (((z0 >>> 16) & 15) << 2) | 64
    r = REDUCE8[a3 & 255]!
    a3 = ((a3 >>> 8) | (a2 << 24)) ^ t[h + 3]! ^ t[l + 3]!
    a2 = ((a2 >>> 8) | (a1 << 24)) ^ t[h + 2]! ^ t[l + 2]!
    a1 = ((a1 >>> 8) | (a0 << 24)) ^ t[h + 1]! ^ t[l + 1]!
    a0 = (a0 >>> 8) ^ r ^ t[h]! ^ t[l]!
    h = (z0 >>> 28) << 2
    l = (((z0 >>> 24) & 15) << 2) | 64
    r = REDUCE8[a3 & 255]!
    a3 = ((a3 >>> 8) | (a2 << 24)) ^ t[h + 3]! ^ t[l + 3]!
    a2 = ((a2 >>> 8) | (a1 << 24)) ^ t[h + 2]! ^ t[l + 2]!
    a1 = ((a1 >>> 8) | (a0 << 24)) ^ t[h + 1]! ^ t[l + 1]!
    a0 = (a0 >>> 8) ^ r ^ t[h]! ^ t[l]!
    z0 = a0
    z1 = a1
    z2 = a2
    z3 = a3
  }
  y[0] = z0
  y[1] = z1
  y[2] = z2
  y[3] = z3
}
