import { describe, expect, it } from 'vitest'
import { serverSentEvents } from '../../src/sync/sse'

/** A response body that delivers `chunks` one read at a time. */
function body(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
      controller.close()
    },
  })
}

async function read(chunks: string[]) {
  const out = []
  for await (const event of serverSentEvents(body(chunks), new AbortController().signal)) {
    out.push(event)
  }
  return out
}

const stream =
  'id: v1:1\r\nevent: poke\r\ndata: {"head":"v1:1"}\r\n\r\n: keep-alive\r\n\r\ndata: hi\r\n\r\n'
const expected = [
  { event: 'poke', data: '{"head":"v1:1"}' },
  { event: 'message', data: 'hi' },
]

describe('serverSentEvents', () => {
  it('reads a CRLF stream in one chunk', async () => {
    expect(await read([stream])).toEqual(expected)
  })

  // The hand-written parser turned `event: poke\r` + `\n...` into an event-less block, so the
  // poke arrived as a `message` and the client never pulled.
  it.each([...stream].map((_, i) => i).filter((i) => stream[i - 1] === '\r'))(
    'reads the same events when a chunk ends after the CR at %i',
    async (i) => {
      expect(await read([stream.slice(0, i), stream.slice(i)])).toEqual(expected)
    },
  )

  it('reads the same events one byte at a time', async () => {
    expect(await read([...stream])).toEqual(expected)
  })

  it('stops when the signal aborts', async () => {
    const controller = new AbortController()
    const endless = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('event: poke\ndata: 1\n\n'))
      },
    })
    const seen = []
    for await (const event of serverSentEvents(endless, controller.signal)) {
      seen.push(event)
      controller.abort()
    }
    expect(seen).toEqual([{ event: 'poke', data: '1' }])
  })
})
