import { createEventServer, memoryStorage } from '@strata/state/server'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { BASE, batch, events, get, postOk, snapshotPrototype } from './helpers'
import { countProjection } from './suite.projections'

const storage = memoryStorage()
const server = createEventServer({
  storage,
  onError: () => {},
  projections: [countProjection('count', 'inline')],
  limits: { maxBodyBytes: 16_384, maxEventsPerBatch: 20, maxEventBytes: 2048, viewWaitMs: 10 },
})
const prototypeBefore = snapshotPrototype()
afterAll(() => server.close())

const send = async (body: string | Uint8Array<ArrayBuffer>) => {
  const response = await server.fetch(
    new Request(`${BASE}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }),
  )
  return { status: response.status, body: (await response.json()) as any }
}

/** Keys that break naive code, mixed with ordinary ones. */
const nastyKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'events',
  'protocol',
  'clientSeq',
  '',
)
const nastyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    tie('object'),
    fc.array(tie('value'), { maxLength: 3 }),
  ),
  object: fc.dictionary(fc.oneof(nastyKey, fc.string()), tie('value'), { maxKeys: 4 }),
})).value

/** Text of a JSON value whose `__proto__` keys survive as keys (JSON.stringify drops none). */
const toText = (value: unknown) => JSON.stringify(value)

describe('fuzzed POST /events bodies', () => {
  it('random JSON and random bytes get a 4xx, store nothing and pollute nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(nastyJson.map(toText), fc.string(), fc.uint8Array({ maxLength: 64 })),
        async (body) => {
          const { status, body: answer } = await send(body)
          expect(status).toBeGreaterThanOrEqual(400)
          expect(status).toBeLessThan(500)
          expect(answer.error.code).toMatch(/^[a-z_]+$/)
          expect(Array.isArray(answer.error.path ?? [])).toBe(true)
        },
      ),
      { numRuns: 300 },
    )
    expect(await storage.head()).toBe(0)
    expect(snapshotPrototype()).toBe(prototypeBefore)
  })

  it('a valid request with one random mutation is applied or refused with a 4xx, never a 5xx', async () => {
    let client = 0
    const paths = [
      ['protocol'],
      ['clientId'],
      ['events'],
      ['events', 0],
      ['events', 0, 'clientSeq'],
      ['events', 0, 'id'],
      ['events', 0, 'stream'],
      ['events', 0, 'type'],
      ['events', 0, 'payload'],
      ['events', 0, 'at'],
      ['events', 0, 'commandId'],
      ['events', 0, 'expectedVersion'],
      ['events', 1, 'payload'],
      ['extra'],
    ]
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        nastyJson,
        fc.boolean(),
        async (path, value, asRawKey) => {
          const id = `m${client++}`
          const body: any = batch(id, events(id, 1, 2))
          let target = body
          for (const key of path.slice(0, -1)) target = target[key]
          const last = path.at(-1)!
          if (asRawKey && typeof last === 'string') {
            // Also try the value under a dangerous key next to the field.
            Object.defineProperty(target, '__proto__', {
              value,
              enumerable: true,
              configurable: true,
              writable: true,
            })
          } else target[last] = value
          const before = await storage.head()
          const { status } = await send(toText(body))
          expect([200, 400, 409, 413, 426]).toContain(status)
          if (status !== 200) expect(await storage.head()).toBe(before)
        },
      ),
      { numRuns: 300 },
    )
    expect(snapshotPrototype()).toBe(prototypeBefore)
  })

  it('fuzzed queries and headers on the GET endpoints get 200, 4xx or a bounded 503', async () => {
    const text = fc.oneof(
      fc.string(),
      fc.constantFrom('v1:0', 'v1:1', 'v1:999', 'v1:-1', '1', '__proto__'),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('after', 'limit', 'wait', 'clientId', 'stream', 'protocol', 'x'),
        text,
        text,
        async (name, value, header) => {
          const query = new URLSearchParams({ [name]: name === 'wait' ? value.slice(0, 2) : value })
          const read = await get(server, `/events?${query}`)
          expect([200, 400, 403, 426]).toContain(read.status)
          const view = await server.fetch(
            new Request(`${BASE}/views/count`, {
              headers: { 'X-Min-Position': header.replace(/[^\x20-\x7e]/g, '') },
            }),
          )
          expect([200, 400, 503]).toContain(view.status)
          await view.body?.cancel()
        },
      ),
      { numRuns: 200 },
    )
    expect(snapshotPrototype()).toBe(prototypeBefore)
  })

  it('still serves after all of it', async () => {
    expect((await postOk(server, batch('final', events('final', 1, 1)))).results[0]!.status).toBe(
      'applied',
    )
    expect(({} as any).polluted).toBeUndefined()
  })
})
