import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  parseJson,
  parsePostEventsRequest,
  parseReadEventsQuery,
  StrataWireError,
} from '../../src/protocol'

const event = (seq: number, extra: Record<string, unknown> = {}) => ({
  clientSeq: seq,
  id: `e${seq}`,
  stream: 's',
  type: 't',
  payload: { a: 1 },
  at: 1,
  ...extra,
})
const request = (extra: Record<string, unknown> = {}, events: unknown[] = [event(1)]) => ({
  protocol: 1,
  clientId: 'c1',
  events,
  ...extra,
})

function failure(fn: () => unknown): StrataWireError {
  try {
    fn()
  } catch (error) {
    if (error instanceof StrataWireError) return error
    throw error
  }
  throw new Error('expected a StrataWireError')
}

describe('parsePostEventsRequest', () => {
  it('normalizes a valid request', () => {
    expect(
      parsePostEventsRequest(
        request({}, [{ clientSeq: 1, id: 'a', stream: 's', type: 't', at: 0 }]),
      ),
    ).toEqual({
      protocol: 1,
      clientId: 'c1',
      events: [
        { clientSeq: 1, id: 'a', stream: 's', type: 't', payload: null, at: 0, commandId: null },
      ],
    })
  })

  it.each([
    [request({ clientId: 5 }), ['clientId']],
    [request({ clientId: 'has space' }), ['clientId']],
    [request({ events: {} }), ['events']],
    [request({}, [event(1, { clientSeq: 0 })]), ['events', 0, 'clientSeq']],
    [request({}, [event(1, { clientSeq: '1' })]), ['events', 0, 'clientSeq']],
    [request({}, [event(1, { at: 'now' })]), ['events', 0, 'at']],
    [request({}, [event(1, { id: '' })]), ['events', 0, 'id']],
    [request({}, [event(1, { stream: 'x'.repeat(257) })]), ['events', 0, 'stream']],
    [request({}, [event(1, { expectedVersion: -1 })]), ['events', 0, 'expectedVersion']],
    [request({}, [event(2, { dependsOn: 2 })]), ['events', 0, 'dependsOn']],
    [request({}, [event(2, { dependsOn: 0 })]), ['events', 0, 'dependsOn']],
    [request({}, [event(1, { tenant: 'other' })]), ['events', 0, 'tenant']],
    [request({}, [event(1), event(3)]), ['events', 1, 'clientSeq']],
    [request({}, [event(1), event(2, { id: 'e1' })]), ['events', 1, 'id']],
    [request({}, [event(1, { type: 'a\u0000b' })]), ['events', 0, 'type']],
    [request({}, [event(1, { payload: { x: '\ud800' } })]), ['events', 0, 'payload', 'x']],
    [request({ tenant: 'acme' }), ['tenant']],
    [request({ protocol: '1' }), ['protocol']],
    [[], []],
  ])('refuses %j at path %j', (body, path) => {
    const error = failure(() => parsePostEventsRequest(body))
    expect(error.code).toBe('bad_request')
    expect(error.status).toBe(400)
    expect(error.path).toEqual(path)
  })

  it('answers an unknown protocol with update_required and the supported versions', () => {
    const error = failure(() => parsePostEventsRequest(request({ protocol: 2 })))
    expect(error).toMatchObject({
      code: 'update_required',
      status: 426,
      details: { supported: [1], received: 2 },
    })
  })

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses the key %s anywhere, with its path',
    (key) => {
      const text = `{"protocol":1,"clientId":"c","events":[{"clientSeq":1,"id":"a","stream":"s","type":"t","at":1,"payload":{"ok":{"${key}":{"polluted":true}}}}]}`
      const path = ['events', 0, 'payload', 'ok', key]
      expect(failure(() => parseJson(text))).toMatchObject({ code: 'bad_request', path })
      expect(failure(() => parsePostEventsRequest(JSON.parse(text)))).toMatchObject({
        code: 'bad_request',
        path,
      })
      expect(({} as any).polluted).toBeUndefined()
    },
  )
})

describe('parseJson', () => {
  it('refuses malformed JSON and over-deep nesting with bad_request', () => {
    expect(failure(() => parseJson('{"a":')).code).toBe('bad_request')
    expect(failure(() => parseJson('')).code).toBe('bad_request')
    expect(failure(() => parseJson('['.repeat(100) + ']'.repeat(100))).details).toEqual({
      maxDepth: 64,
    })
  })

  it('accepts 64 levels of nesting and refuses the 65th, with its path', () => {
    expect(() => parseJson('['.repeat(64) + ']'.repeat(64))).not.toThrow()
    const error = failure(() => parseJson(`{"a":${'['.repeat(64)}${']'.repeat(64)}}`))
    expect(error.path).toEqual(['a', ...Array(63).fill(0)])
    expect(error.details).toEqual({ maxDepth: 64 })
  })

  it('never throws anything but a StrataWireError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (text) => {
        try {
          parseJson(text)
        } catch (error) {
          expect(error).toBeInstanceOf(StrataWireError)
        }
      }),
      { numRuns: 200 },
    )
  }, 20_000)
})

describe('parseReadEventsQuery', () => {
  const limits = { defaultLimit: 100, maxLimit: 500, maxWaitMs: 1000 }
  const parse = (search: string) => parseReadEventsQuery(new URLSearchParams(search), limits)

  it('reads defaults, streams, and shortens long waits', () => {
    expect(parse('')).toEqual({
      after: 0,
      limit: 100,
      wait: 0,
      clientId: undefined,
      streams: undefined,
    })
    expect(parse('after=v1:7&limit=5&wait=99999&clientId=c&stream=a&stream=b')).toEqual({
      after: 7,
      limit: 5,
      wait: 1000,
      clientId: 'c',
      streams: ['a', 'b'],
    })
  })

  it.each([
    ['after=7', 'bad_token', ['after']],
    ['limit=0', 'bad_request', ['limit']],
    ['limit=501', 'bad_request', ['limit']],
    ['limit=1.5', 'bad_request', ['limit']],
    ['wait=-1', 'bad_request', ['wait']],
    ['limit=1&limit=2', 'bad_request', ['limit']],
    ['__proto__=1', 'bad_request', ['__proto__']],
    ['protocol=9', 'update_required', ['protocol']],
  ])('refuses %s with %s', (search, code, path) => {
    expect(failure(() => parse(search))).toMatchObject({ code, path })
  })
})
