import { describe, expect, it } from 'vitest'
import {
  ERROR_STATUS,
  formatPath,
  parseErrorBody,
  parseLimitsResponse,
  parsePostEventsResponse,
  parseReadEventsResponse,
  parseRetryAfter,
  readWireError,
  StrataWireError,
} from '../../src/protocol'

describe('wire errors', () => {
  it('round-trip through their body, keeping code, status, path and details', () => {
    const error = new StrataWireError('sequence_gap', 'next must be 4', {
      path: ['events', 0, 'clientSeq'],
      details: { expected: 4 },
    })
    const body = JSON.parse(JSON.stringify({ error }))
    expect(body).toEqual({
      error: {
        code: 'sequence_gap',
        message: 'next must be 4',
        path: ['events', 0, 'clientSeq'],
        details: { expected: 4 },
      },
    })
    const back = StrataWireError.fromBody(parseErrorBody(body))
    expect(back).toBeInstanceOf(StrataWireError)
    expect(back).toMatchObject({
      code: 'sequence_gap',
      status: 409,
      path: ['events', 0, 'clientSeq'],
      details: { expected: 4 },
      retryable: false,
    })
    expect(new StrataWireError('unavailable', 'later').retryable).toBe(true)
  })

  it('read from a response, also when the body is not the protocol', async () => {
    const typed = await readWireError(
      new Response(JSON.stringify({ error: { code: 'too_large', message: 'big' } }), {
        status: 413,
      }),
    )
    expect(typed).toMatchObject({ code: 'too_large', status: 413, message: 'big' })
    const proxy = await readWireError(
      new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    )
    expect(proxy).toMatchObject({ code: 'bad_response', status: 502 })
    expect(proxy.cause).toBe('<html>Bad Gateway</html>')
    expect((await readWireError(new Response('', { status: 504 }))).code).toBe('unavailable')
  })

  it('keep Retry-After as retryAfterMs, in seconds or as an HTTP date', async () => {
    const unavailable = JSON.stringify({ error: { code: 'unavailable', message: 'later' } })
    const seconds = await readWireError(
      new Response(unavailable, { status: 503, headers: { 'retry-after': '120' } }),
    )
    expect(seconds).toMatchObject({ code: 'unavailable', retryAfterMs: 120_000, retryable: true })
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')
    const dated = await readWireError(
      new Response(unavailable, {
        status: 503,
        headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:30 GMT' },
      }),
      now,
    )
    expect(dated.retryAfterMs).toBe(30_000)
    // A proxy's page keeps the header too.
    const proxy = await readWireError(
      new Response('<html>busy</html>', { status: 503, headers: { 'retry-after': '3' } }),
    )
    expect(proxy).toMatchObject({ code: 'unavailable', retryAfterMs: 3000 })
    expect((await readWireError(new Response(unavailable, { status: 503 }))).retryAfterMs).toBe(
      undefined,
    )
    // Not part of the body.
    expect(seconds.toBody()).toEqual({ code: 'unavailable', message: 'later' })
  })

  it('parse Retry-After strictly', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')
    expect(parseRetryAfter('0', now)).toBe(0)
    expect(parseRetryAfter(' 5 ', now)).toBe(5000)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:29:00 GMT', now)).toBe(60_000)
    expect(parseRetryAfter('Wednesday, 21-Oct-15 07:28:10 GMT', now)).toBe(10_000)
    // A date already past means now.
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0)
    for (const junk of ['', '-1', '1.5', '0x10', '1e3', 'soon', '99999999999999999999']) {
      expect(parseRetryAfter(junk, now)).toBeUndefined()
    }
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })

  it('have a status for every code and readable paths', () => {
    for (const status of Object.values(ERROR_STATUS)) expect(status).toBeGreaterThanOrEqual(400)
    expect(formatPath(['events', 2, 'payload', 'a b'])).toBe('events[2].payload["a b"]')
    expect(formatPath([])).toBe('(root)')
  })
})

describe('response parsers', () => {
  it('accept what the server sends and name the path of what is wrong', () => {
    const response = {
      protocol: 1,
      token: 'v1:2',
      lastSeq: 2,
      results: [
        {
          clientSeq: 2,
          status: 'rejected',
          error: { code: 'invalid', message: 'no', path: ['payload'] },
        },
      ],
    }
    expect(parsePostEventsResponse(response)).toEqual(response)
    expect(() => parsePostEventsResponse({ ...response, token: 'x' })).toThrow(
      expect.objectContaining({ code: 'bad_response', path: ['token'] }),
    )
    const duplicateId = {
      ...response,
      results: [
        {
          clientSeq: 2,
          status: 'rejected',
          position: 'v1:1',
          error: { code: 'duplicate_id', message: 'stored', details: { position: 'v1:1' } },
        },
      ],
    }
    expect(parsePostEventsResponse(duplicateId)).toEqual(duplicateId)
    const read = { protocol: 1, events: [], token: 'v1:0', head: 'v1:0', hasMore: false }
    expect(parseReadEventsResponse(read)).toEqual(read)
    expect(() => parseReadEventsResponse({ ...read, events: [{}] })).toThrow(
      expect.objectContaining({ code: 'bad_response' }),
    )
  })
})

describe('read events response', () => {
  const event = {
    position: 'v1:7',
    clientId: 'c1',
    clientSeq: 3,
    id: 'e3',
    stream: 'default',
    streamVersion: 2,
    type: 'added',
    payload: { key: 'a' },
    at: 1,
    commandId: null,
  }
  const read = (events: unknown[]) => ({
    protocol: 1,
    events,
    token: 'v1:7',
    head: 'v1:7',
    hasMore: false,
  })

  it('takes well-formed events as they are, a missing payload as null', () => {
    const { payload: _, ...bare } = event
    expect(parseReadEventsResponse(read([event, { ...bare, commandId: 'k' }])).events).toEqual([
      event,
      { ...bare, payload: null, commandId: 'k' },
    ])
  })

  it.each([
    ['position', 7],
    ['clientId', ''],
    ['clientSeq', 0],
    ['id', 'x'.repeat(10_001)],
    ['stream', 'a\u0000b'],
    ['streamVersion', 1.5],
    ['type', null],
    ['at', Number.NaN],
    ['commandId', undefined],
    ['extra', 1],
  ])('names the path of a malformed %s', (field, value) => {
    expect(() => parseReadEventsResponse(read([event, { ...event, [field]: value }]))).toThrow(
      expect.objectContaining({ code: 'bad_response', path: ['events', 1, field] }),
    )
  })
})

describe('limits response', () => {
  it('is read, ignoring fields this client does not know', () => {
    const limits = { protocol: 1, maxBodyBytes: 1024, maxEventsPerBatch: 10, maxEventBytes: 256 }
    expect(parseLimitsResponse(limits)).toEqual(limits)
    expect(parseLimitsResponse({ ...limits, maxReadLimit: 5 })).toEqual(limits)
    expect(() => parseLimitsResponse({ ...limits, maxEventBytes: '256' })).toThrow(
      expect.objectContaining({ code: 'bad_response', path: ['maxEventBytes'] }),
    )
    expect(() => parseLimitsResponse({ ...limits, maxEventsPerBatch: 0 })).toThrow(
      expect.objectContaining({ code: 'bad_response', path: ['maxEventsPerBatch'] }),
    )
    expect(() => parseLimitsResponse('<html>')).toThrow(
      expect.objectContaining({ code: 'bad_response' }),
    )
    expect(() => parseLimitsResponse(null)).toThrow(
      expect.objectContaining({ code: 'bad_response' }),
    )
  })
})
