import { gzipSync } from 'node:zlib'
import {
  createEventServer,
  type EventServer,
  memoryStorage,
  type Storage,
} from '@strata/state/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BASE, batch, events, get, post, postOk, readAll, snapshotPrototype } from './helpers'
import { countProjection } from './suite.projections'

let storage: Storage
let server: EventServer
const prototypeBefore = snapshotPrototype()
beforeEach(() => {
  storage = memoryStorage()
  server = createEventServer({
    storage,
    onError: () => {},
    projections: [countProjection('count', 'inline')],
    limits: { maxBodyBytes: 4096, maxEventsPerBatch: 5, maxEventBytes: 512, viewWaitMs: 20 },
  })
})
afterEach(async () => {
  // Whatever came before: nothing stored, still serving, Object.prototype as it was.
  expect(await storage.head()).toBe(0)
  expect((await postOk(server, batch('after', events('after', 1, 1)))).results[0]!.status).toBe(
    'applied',
  )
  expect(snapshotPrototype()).toBe(prototypeBefore)
  expect(({} as any).polluted).toBeUndefined()
  await server.close()
})

const send = async (body: BodyInit, headers: Record<string, string> = {}) => {
  const response = await server.fetch(
    new Request(`${BASE}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    }),
  )
  return { status: response.status, error: ((await response.json()) as any).error }
}

describe('POST /events refuses bad input with a clear 4xx', () => {
  it.each([
    ['malformed JSON', '{"protocol":1,', 400, []],
    ['a JSON string', '"hello"', 400, []],
    [
      'wrong type deep inside',
      JSON.stringify(batch('c', [{ ...events('c', 1, 1)[0]!, at: 'yesterday' }])),
      400,
      ['events', 0, 'at'],
    ],
    [
      '__proto__ in a payload',
      '{"protocol":1,"clientId":"c","events":[{"clientSeq":1,"id":"a","stream":"s","type":"t","at":1,"payload":{"__proto__":{"polluted":1}}}]}',
      400,
      ['events', 0, 'payload', '__proto__'],
    ],
    [
      'constructor.prototype',
      '{"protocol":1,"clientId":"c","events":[],"constructor":{"prototype":{"polluted":1}}}',
      400,
      ['constructor'],
    ],
    ['an unknown protocol', JSON.stringify({ ...batch('c', []), protocol: 7 }), 426, ['protocol']],
  ])('%s', async (_, body, status, path) => {
    const { status: got, error } = await send(body)
    expect(got).toBe(status)
    expect(error.path).toEqual(path)
    expect(error.message.length).toBeGreaterThan(10)
  })

  it('refuses a body that is not JSON or not UTF-8, and unknown encodings', async () => {
    expect((await send('{}', { 'content-type': 'text/plain' })).status).toBe(415)
    expect((await send('{}', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(
      415,
    )
    expect((await send('{}', { 'content-encoding': 'br' })).error.code).toBe(
      'unsupported_media_type',
    )
    expect((await send(new Uint8Array([0x7b, 0xff, 0x7d]))).error.message).toContain('UTF-8')
    expect(
      (await send(new Uint8Array([1, 2, 3, 4]), { 'content-encoding': 'gzip' })).error.message,
    ).toContain('gzip')
  })

  it('limits bytes (after gzip) and events per batch with 413', async () => {
    const big = JSON.stringify(batch('c', events('c', 1, 1, { payload: 'x'.repeat(5000) })))
    expect((await send(big)).error).toMatchObject({
      code: 'too_large',
      details: { limit: 'maxBodyBytes' },
    })
    const stream = new Blob([big]).stream()
    const streamed = await server.fetch(
      new Request(`${BASE}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    )
    expect(streamed.status).toBe(413)
    const bomb = new Uint8Array(
      gzipSync(JSON.stringify({ ...batch('c', []), pad: ' '.repeat(1_000_000) })),
    )
    expect(bomb.byteLength).toBeLessThan(4096)
    expect((await send(bomb, { 'content-encoding': 'gzip' })).error.details.limit).toBe(
      'maxBodyBytes',
    )
    expect((await send(JSON.stringify(batch('c', events('c', 1, 6))))).error).toMatchObject({
      code: 'too_large',
      path: ['events'],
    })
    // An event over maxEventBytes is not a 413 but rejected alone: the shared server suite.
  })
})

describe('GET endpoints refuse bad input', () => {
  it.each([
    ['/events?after=42', 400, 'bad_token'],
    ['/events?after=v1:5', 400, 'bad_token'],
    ['/events?limit=0', 400, 'bad_request'],
    ['/events?limit=abc', 400, 'bad_request'],
    ['/events?wait=-5', 400, 'bad_request'],
    ['/events?constructor=1', 400, 'bad_request'],
    ['/events?stream=a%00b', 400, 'bad_request'],
    ['/events?protocol=3', 426, 'update_required'],
    ['/events/stream?after=nope', 400, 'bad_token'],
    ['/views/missing', 404, 'not_found'],
    ['/nothing/here', 404, 'not_found'],
  ])('%s → %i %s', async (path, status, code) => {
    const response = await get(server, path)
    expect(response.status).toBe(status)
    expect(response.body.error.code).toBe(code)
  })

  it('refuses a malformed X-Min-Position and wrong methods', async () => {
    expect((await get(server, '/views/count', { 'X-Min-Position': 'v1:x' })).body.error.code).toBe(
      'bad_token',
    )
    const put = await server.fetch(new Request(`${BASE}/events`, { method: 'PUT', body: '{}' }))
    expect(put.status).toBe(405)
    expect(
      (await server.fetch(new Request(`${BASE}/views/count`, { method: 'DELETE' }))).status,
    ).toBe(405)
  })

  it('reads nothing stored by refused posts', async () => {
    await post(server, '{"nope"')
    expect((await readAll(server)).events).toEqual([])
  })
})
