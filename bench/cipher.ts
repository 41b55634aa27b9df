/**
 * AES-256-GCM per event: Node's native GCM (a cipher context per call, the key a KeyObject made
 * once) against gcm.ts (a persistent AES-ECB context per key and GHASH in JavaScript), on one
 * small event's values and additional data. Also a key's first use (its state made) and the
 * envelope as crypto.ts seals and opens it (JSON, base64 and all).
 *
 *   node --import tsx bench/cipher.ts [--rounds 9] [--calls 20000]
 *
 * Rounds alternate the two; printed are each one's median microseconds a call and the ratio.
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

/** Microseconds a call of `run(k)` over the 1,000 keys in turn. */
function time(run: (k: number) => void, calls = CALLS) {
  const start = performance.now()
  for (let i = 0; i < calls; i++) run(i % 1000)
  return ((performance.now() - start) * 1000) / calls
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

console.log(
  `AES-256-GCM, ${plain.length} bytes of values, ${aad.length} of additional data; ${ROUNDS} rounds of ${CALLS.toLocaleString('en')} calls, 1,000 keys`,
)
compare(
  'seal (bytes)',
  (k) => {
    sink += nativeSeal(k)[0]!
  },
  (k) => {
    gcm.seal(KEYS[k]!, iv, aad, plain, out, 0)
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

// The envelope as crypto.ts makes it (canonical JSON, base64): ours only, for scale.
const place = {
  tenant: 'tenant',
  clientId: 'client-123',
  eventId: 'client-123-99999',
  field: 'name,email',
}
const envelope = sync!.seal(KEYS[0]!, 'user-345', place, [
  'Person 12345 Example',
  'user-345@example.com',
])
const seal = median(
  Array.from({ length: ROUNDS }, () =>
    time((k) => {
      sink += sync!.seal(KEYS[k]!, 'user-345', place, [
        'Person 12345 Example',
        'user-345@example.com',
      ]).data.length
    }),
  ),
)
const open = median(
  Array.from({ length: ROUNDS }, () =>
    time(() => {
      sink += sync!.open(KEYS[0]!, place, envelope) === undefined ? 0 : 1
    }),
  ),
)
console.log(`sync.seal / sync.open (envelope)   ${seal.toFixed(2)} us / ${open.toFixed(2)} us`)
if (sink === 0.5) console.log(sink)
