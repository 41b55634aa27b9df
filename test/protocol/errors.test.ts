import { describe, expect, it } from 'vitest'
import {
  ERROR_STATUS,
  formatPath,
  parseErrorBody,
  parsePostEventsResponse,
  parseReadEventsResponse,
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
    const read = { protocol: 1, events: [], token: 'v1:0', head: 'v1:0', hasMore: false }
    expect(parseReadEventsResponse(read)).toEqual(read)
    expect(() => parseReadEventsResponse({ ...read, events: [{}] })).toThrow(
      expect.objectContaining({ code: 'bad_response' }),
    )
  })
})
