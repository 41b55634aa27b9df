import * as node from 'node:crypto'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { type EnvelopeV2, type Place, sync, web } from '../../src/server/erasure/crypto'
import { nodeGcm } from '../../src/server/erasure/gcm'

/**
 * gcm.ts (a persistent AES-ECB context per key and GHASH in JavaScript) against the standard:
 * published vectors, Node's native AES-256-GCM on random lengths both ways, Web Crypto through
 * the envelopes, and every tampering reading as nothing rather than as garbage or a throw.
 */
const gcm = nodeGcm(node)
// Its JavaScript path at every length (by default native GCM takes more than 256 bytes).
const js = nodeGcm(node, Number.POSITIVE_INFINITY)
const hex = (text: string) => Buffer.from(text, 'hex')

// McGrew and Viega's GCM test cases 13-16 (AES-256, 96-bit IV) and one of NIST's CAVP
// gcmEncryptExtIV256 vectors (no plaintext, 128 bits of additional data).
const K15 = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308'
const P15 =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39'
const C15 =
  '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662'
const VECTORS = [
  ['13', '0'.repeat(64), '0'.repeat(24), '', '', '', '530f8afbc74536b9a963b4f1c4cb738b'],
  [
    '14',
    '0'.repeat(64),
    '0'.repeat(24),
    '0'.repeat(32),
    '',
    'cea7403d4d606b6e074ec5d3baf39d18',
    'd0d1c8a799996bf0265b98b5d48ab919',
  ],
  [
    '15',
    K15,
    'cafebabefacedbaddecaf888',
    `${P15}1aafd255`,
    '',
    `${C15}898015ad`,
    'b094dac5d93471bdec1a502270e3cc6c',
  ],
  [
    '16 (additional data)',
    K15,
    'cafebabefacedbaddecaf888',
    P15,
    'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    C15,
    '76fc6ece0f4e1768cddf8853bb2d551b',
  ],
  [
    'CAVP (additional data only)',
    '78dc4e0aaf52d935c3c01eea57428f00ca1fd475f5da86a49c8dd73d68c8e223',
    'd79cf22d504cc793c3fb6c8a',
    '',
    'b96baa8c1c75a671bfb2d08d06be5f36',
    '',
    '3e5d486aa2e30b22e040b85723a06e76',
  ],
] as const

const sealOf = (
  key: Uint8Array,
  iv: Uint8Array,
  aad: Uint8Array,
  plain: Uint8Array,
  with_ = js,
) => {
  const out = Buffer.alloc(plain.length + 16)
  with_.seal(key, iv, aad, plain, out, 0)
  return out
}
const nativeSeal = (key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plain: Uint8Array) => {
  const cipher = node.createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(aad)
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()])
}
const nativeOpen = (key: Uint8Array, iv: Uint8Array, aad: Uint8Array, sealed: Buffer) => {
  const decipher = node.createDecipheriv('aes-256-gcm', key, iv)
  decipher.setAAD(aad)
  decipher.setAuthTag(sealed.subarray(sealed.length - 16))
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()])
}
const flip = (bytes: Uint8Array, bit: number) => {
  const copy = Buffer.from(bytes)
  copy[bit >> 3]! ^= 1 << (bit & 7)
  return copy
}

describe('AES-256-GCM (gcm.ts)', () => {
  it.each(VECTORS)('gives test case %s', (_, key, iv, plain, aad, cipher, tag) => {
    const sealed = sealOf(hex(key), hex(iv), hex(aad), hex(plain))
    expect(sealed.toString('hex')).toBe(cipher + tag)
    expect(js.open(hex(key), hex(iv), hex(aad), sealed)?.toString('hex')).toBe(plain)
  })

  it('seals the bytes native GCM seals and opens them both ways, lengths 0 to 4,097', () => {
    const edges = [0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 240, 241, 255, 256, 257]
    const lengths = [...edges, 1000, 4095, 4096, 4097]
    const key = node.randomBytes(32)
    let cases = 0
    for (let round = 0; round < 3000; round++) {
      const plain = node.randomBytes(
        round < lengths.length ** 2
          ? lengths[round % lengths.length]!
          : node.randomInt(round % 2 ? 300 : 3000),
      )
      const aad = node.randomBytes(
        round < lengths.length ** 2
          ? edges[Math.floor(round / lengths.length) % edges.length]!
          : node.randomInt(200),
      )
      const iv = node.randomBytes(12)
      const k = round % 7 ? key : node.randomBytes(32)
      const [ours, native] = [sealOf(k, iv, aad, plain), nativeSeal(k, iv, aad, plain)]
      expect(ours.equals(native)).toBe(true)
      expect(nativeOpen(k, iv, aad, ours).equals(plain)).toBe(true)
      expect(js.open(k, iv, aad, native)?.equals(plain)).toBe(true)
      // The default: JavaScript up to 256 bytes, native beyond, the same bytes either way.
      expect(sealOf(k, iv, aad, plain, gcm).equals(native)).toBe(true)
      expect(gcm.open(k, iv, aad, native)?.equals(plain)).toBe(true)
      cases++
    }
    expect(cases).toBe(3000)
  })

  it.each([
    ['an event', '["Person 12345 Example","user-345@example.com"]'],
    ['a long one (native)', `["${'Person 12345 Example '.repeat(20)}"]`],
  ])(
    'opens nothing when any bit of IV, ciphertext, tag or additional data of %s is flipped',
    (_, text) => {
      const [key, iv, plain] = [node.randomBytes(32), node.randomBytes(12), Buffer.from(text)]
      const aad = Buffer.from(
        'strata/v2\u0000tenant\u0000client-123\u0000client-123-99999\u0000name,email',
      )
      const sealed = sealOf(key, iv, aad, plain, gcm)
      expect(gcm.open(key, iv, aad, sealed)?.equals(plain)).toBe(true)
      const opened: unknown[] = []
      for (let bit = 0; bit < 96; bit++) opened.push(gcm.open(key, flip(iv, bit), aad, sealed))
      for (let bit = 0; bit < sealed.length * 8; bit++)
        opened.push(gcm.open(key, iv, aad, flip(sealed, bit)))
      for (let bit = 0; bit < aad.length * 8; bit++)
        opened.push(gcm.open(key, iv, flip(aad, bit), sealed))
      expect(opened).toHaveLength(96 + sealed.length * 8 + aad.length * 8)
      expect(opened.filter((o) => o !== undefined)).toEqual([])
    },
  )

  it.each([
    ['JavaScript', 40],
    ['native', 400],
  ])(
    'opens nothing truncated, lengthened, under another key or with another IV size (%s)',
    (_, bytes) => {
      const [key, iv, aad] = [node.randomBytes(32), node.randomBytes(12), node.randomBytes(20)]
      const sealed = sealOf(key, iv, aad, node.randomBytes(bytes), gcm)
      const opened: unknown[] = []
      for (let size = 0; size < sealed.length; size++)
        opened.push(gcm.open(key, iv, aad, sealed.subarray(0, size)))
      opened.push(gcm.open(key, iv, aad, Buffer.concat([sealed, Buffer.alloc(1)])))
      opened.push(gcm.open(node.randomBytes(32), iv, aad, sealed))
      opened.push(gcm.open(key, iv.subarray(0, 8), aad, sealed))
      opened.push(gcm.open(key.subarray(0, 16), iv, aad, sealed))
      expect(opened).toHaveLength(sealed.length + 4)
      expect(opened.filter((o) => o !== undefined)).toEqual([])
      // The same bytes in another array are the same key.
      expect(gcm.open(Uint8Array.from(key), iv, aad, sealed)).toBeDefined()
    },
  )

  it('holds no key: one dropped by its owner is collected', async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    let collected = false
    const registry = new FinalizationRegistry(() => {
      collected = true
    })
    const use = () => {
      const key = node.randomBytes(32)
      registry.register(key, 'key')
      sealOf(key, node.randomBytes(12), new Uint8Array(0), Buffer.from('x'))
    }
    use()
    for (let i = 0; i < 50 && !collected; i++) {
      gc()
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(collected).toBe(true)
  })
})

const place: Place = { tenant: 'acme', clientId: 'c1', eventId: 'c1-7', field: 'name,email' }
const text = (n: number) =>
  Array.from({ length: n }, () => {
    const pick = node.randomInt(4)
    const code =
      pick === 0
        ? node.randomInt(0x20, 0x7f)
        : pick === 1
          ? node.randomInt(0, 0xd800)
          : pick === 2
            ? node.randomInt(0xe000, 0x10000)
            : node.randomInt(0x10000, 0x110000)
    return String.fromCodePoint(code)
  }).join('')

describe('envelopes sealed with gcm.ts', () => {
  it('open with Web Crypto, and Web Crypto’s open here (utf8 of every plane)', async () => {
    const key = node.randomBytes(32)
    for (let round = 0; round < 200; round++) {
      const values = [text(node.randomInt(60)), text(node.randomInt(3)), round]
      const at = { ...place, eventId: `c1-${round}`, field: text(node.randomInt(10)) }
      expect(await web.open(key, at, sync!.seal(key, 'ada', at, values))).toEqual(values)
      expect(sync!.open(key, at, await web.seal(key, 'ada', at, values))).toEqual(values)
    }
  })

  it('open nothing moved, tampered with or cut short, and never throw', () => {
    const key = node.randomBytes(32)
    const envelope = sync!.seal(key, 'ada', place, ['Ada Lovelace', 'ada@example.com'])
    expect(sync!.open(key, place, envelope)).toEqual(['Ada Lovelace', 'ada@example.com'])
    const data = Buffer.from(envelope.data, 'base64')
    const tampered: EnvelopeV2[] = []
    for (let bit = 0; bit < data.length * 8; bit++)
      tampered.push({ ...envelope, data: flip(data, bit).toString('base64') })
    for (let size = 0; size < data.length; size++)
      tampered.push({ ...envelope, data: data.subarray(0, size).toString('base64') })
    tampered.push({ ...envelope, data: '%%% not base64 %%%' })
    const opened = tampered.map((e) => sync!.open(key, place, e))
    expect(opened).toHaveLength(data.length * 9 + 1)
    expect(opened.filter((o) => o !== undefined)).toEqual([])
    for (const moved of [
      { ...place, tenant: 'other' },
      { ...place, clientId: 'c2' },
      { ...place, eventId: 'c1-8' },
      { ...place, field: 'email,name' },
    ])
      expect(sync!.open(key, moved, envelope)).toBeUndefined()
    expect(sync!.open(node.randomBytes(32), place, envelope)).toBeUndefined()
    expect(sync!.open(key.subarray(0, 31), place, envelope)).toBeUndefined()
  })
})
