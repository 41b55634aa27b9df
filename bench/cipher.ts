/**
 * AES-256-GCM per event: Node's native GCM (a cipher context per call, the key a KeyObject made
 * once) against gcm.ts (a persistent AES-ECB context per key and GHASH in JavaScript), on one
 * small event's values and additional data. Also a key's first use (its state made) and the
 * envelope as crypto.ts seals and opens it (JSON, base64 and all).
 *
 *   node --import tsx bench/cipher.ts [--rounds 9] [--calls 20000]
 *
 * Rounds alternate the two; printed are each one's median microseconds of CPU a call (steadier
 * than wall time on a shared machine) and the ratio.
 */
import * as node from 'node:crypto'
import { parseArgs } from 'node:util'
import { sync } from '../src/server/erasure/crypto'
import { nodeGcm } from '../src/server/erasure/gcm'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '9' },
    calls: { type: 'string', default: '20000' },
  },
})
const ROUNDS = Number(values.rounds)
const CALLS = Number(values.calls)

const gcm = nodeGcm(node)
const KEYS = Array.from({ length: 1000 }, () => node.randomBytes(32))
const HANDLES = KEYS.map((key) => node.createSecretKey(key))
const plain = Buffer.from(JSON.stringify(['Person 12345 Example', 'user-345@example.com']))
const aadText = 'strata/v2\u0000tenant\u0000client-123\u0000client-123-99999\u0000name,email'
const aad = Buffer.from(aadText)
const iv = node.randomBytes(12)
const out = Buffer.alloc(plain.length + 16)
let sink = 0

const nativeSeal = (k: number) => {
  const cipher = node.createCipheriv('aes-256-gcm', HANDLES[k]!, iv)
  cipher.setAAD(aad)
  const body = cipher.update(plain)
  cipher.final()
  return Buffer.concat([body, cipher.getAuthTag()])
}
const SEALED = KEYS.map((_, k) => nativeSeal(k))

const nativeOpen = (k: number) => {
  const sealed = SEALED[k]!
  const decipher = node.createDecipheriv('aes-256-gcm', HANDLES[k]!, iv)
  decipher.setAAD(aad)
  decipher.setAuthTag(sealed.subarray(sealed.length - 16))
  const text = decipher.update(sealed.subarray(0, sealed.length - 16))
  decipher.final()
  return text
}

/** Microseconds of CPU a call of `run(k)` over the 1,000 keys in turn. */
function time(run: (k: number) => void, calls = CALLS) {
  const start = process.cpuUsage()
  for (let i = 0; i < calls; i++) run(i % 1000)
  const used = process.cpuUsage(start)
  return (used.user + used.system) / calls
}

const median = (list: number[]) => list.slice().sort((a, b) => a - b)[Math.floor(list.length / 2)]!

function compare(
  label: string,
  native: (k: number) => void,
  ours: (k: number) => void,
  calls?: number,
) {
  const [a, b]: [number[], number[]] = [[], []]
  time(native, calls)
  time(ours, calls)
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2) {
      b.push(time(ours, calls))
      a.push(time(native, calls))
    } else {
      a.push(time(native, calls))
      b.push(time(ours, calls))
    }
  }
  const [n, o] = [median(a), median(b)]
  console.log(
    `${label.padEnd(34)} native ${n.toFixed(2).padStart(6)} us  gcm.ts ${o.toFixed(2).padStart(6)} us  ${(n / o).toFixed(2)}x`,
  )
}

const laidOut = Buffer.concat([iv, aad, plain])
console.log(
  `AES-256-GCM, ${plain.length} bytes of values, ${aad.length} of additional data; ${ROUNDS} rounds of ${CALLS.toLocaleString('en')} calls, 1,000 keys`,
)
compare(
  'seal (bytes)',
  (k) => {
    sink += nativeSeal(k)[0]!
  },
  (k) => {
    // As crypto.ts seals: the IV, additional data and text in one buffer, by offsets.
    gcm.sealAt(KEYS[k]!, laidOut, 0, 12, 12 + aad.length, 12 + aad.length, laidOut.length, out, 0)
    sink += out[0]!
  },
)
compare(
  'open (bytes)',
  (k) => {
    sink += nativeOpen(k)[0]!
  },
  (k) => {
    sink += gcm.open(KEYS[k]!, iv, aad, SEALED[k]!)![0]!
  },
)
// A key's first use: a KeyObject made against the ECB context and GHASH table (then one open).
compare(
  "a key's first open",
  () => {
    const handle = node.createSecretKey(node.randomBytes(32))
    const decipher = node.createDecipheriv('aes-256-gcm', handle, iv)
    decipher.setAAD(aad)
    decipher.setAuthTag(SEALED[0]!.subarray(plain.length))
    sink += decipher.update(SEALED[0]!.subarray(0, plain.length))[0]!
  },
  () => {
    sink += gcm.open(node.randomBytes(32), iv, aad, SEALED[0]!) === undefined ? 1 : 0
  },
  CALLS / 4,
)

// The envelope as crypto.ts makes it (canonical JSON, base64, additional data written) against
// the same with a native GCM context per call, as crypto.ts sealed and opened before gcm.ts.
const place = {
  tenant: 'tenant',
  clientId: 'client-123',
  eventId: 'client-123-99999',
  field: 'name,email',
}
const VALUES = ['Person 12345 Example', 'user-345@example.com']
const ENVELOPES = KEYS.map((key) => sync!.seal(key, 'user-345', place, VALUES))
const scratch = Buffer.alloc(4096)
const nativeEnvelope = (k: number) => {
  const cipher = node.createCipheriv('aes-256-gcm', HANDLES[k]!, iv)
  const aadEnd = scratch.write(aadText, 0, 'utf8')
  cipher.setAAD(scratch.subarray(0, aadEnd))
  const plainEnd = aadEnd + scratch.write(JSON.stringify(VALUES), aadEnd, 'utf8')
  const body = cipher.update(scratch.subarray(aadEnd, plainEnd))
  cipher.final()
  iv.copy(scratch, plainEnd)
  body.copy(scratch, plainEnd + 12)
  cipher.getAuthTag().copy(scratch, plainEnd + 12 + body.length)
  return scratch.toString('base64', plainEnd, plainEnd + 28 + body.length)
}
const nativeUnseal = (k: number) => {
  const data = ENVELOPES[k]!.data
  const size = scratch.write(data, 0, 'base64')
  const aadEnd = size + scratch.write(aadText, size, 'utf8')
  const decipher = node.createDecipheriv('aes-256-gcm', HANDLES[k]!, scratch.subarray(0, 12))
  decipher.setAAD(scratch.subarray(size, aadEnd))
  decipher.setAuthTag(scratch.subarray(size - 16, size))
  const text = decipher.update(scratch.subarray(12, size - 16)).toString('utf8')
  decipher.final()
  return JSON.parse(text) as unknown[]
}
compare(
  'sync.seal (envelope)',
  (k) => {
    sink += nativeEnvelope(k).length
  },
  (k) => {
    sink += sync!.seal(KEYS[k]!, 'user-345', place, VALUES).data.length
  },
)
compare(
  'sync.open (envelope)',
  (k) => {
    sink += nativeUnseal(k).length
  },
  (k) => {
    sink += (sync!.open(KEYS[k]!, place, ENVELOPES[k]!) as unknown[]).length
  },
)
if (sink === 0.5) console.log(sink)
