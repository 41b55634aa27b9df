import { gzipSync } from 'node:zlib'
import { memoryStorage, type RunningServer, serve } from '@strata/state/server'
import { afterEach, describe, expect, it } from 'vitest'
import { batch, events } from './helpers'
import { countProjection } from './suite.projections'

let running: RunningServer | undefined
afterEach(async () => {
  await running?.close()
  running = undefined
})

const start = async () => {
  running = await serve({
    port: 0,
    storage: memoryStorage(),
    projections: [countProjection('count', 'async', 5)],
    onError: () => {},
  })
  return running
}
const post = (url: string, body: BodyInit, headers: Record<string, string> = {}) =>
  fetch(`${url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })

async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  text: string,
): Promise<string> {
  let seen = ''
  while (!seen.includes(text)) {
    const { value, done } = await reader.read()
    if (done) return seen
    seen += value
  }
  return seen
}

describe('serve() on Node', () => {
  it('accepts gzip bodies over real HTTP and serves the read model with the token', async () => {
    const { url } = await start()
    const response = await post(
      url,
      new Uint8Array(gzipSync(JSON.stringify(batch('c1', events('c1', 1, 3))))),
      {
        'content-encoding': 'gzip',
      },
    )
    expect(response.status).toBe(200)
    const { token } = (await response.json()) as { token: string }
    const view = await fetch(`${url}/views/count`, { headers: { 'X-Min-Position': token } })
    expect(view.headers.get('x-position')).toBe('v1:3')
    expect(await view.json()).toEqual({ count: 3, last: 'c1-3' })
  })

  it('pokes SSE clients when events are appended, resuming from their position', async () => {
    const { url } = await start()
    await post(url, JSON.stringify(batch('c1', events('c1', 1, 1))))
    const response = await fetch(`${url}/events/stream?after=v1:0`)
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    expect(await readUntil(reader, '"v1:1"')).toContain(
      'event: poke\ndata: {"head":"v1:1"}\nid: v1:1',
    )
    await post(url, JSON.stringify(batch('c1', events('c1', 2, 2))))
    expect(await readUntil(reader, '"v1:3"')).toContain('data: {"head":"v1:3"}')
    await reader.cancel()
    const resumed = await fetch(`${url}/events/stream`, { headers: { 'Last-Event-ID': 'v1:3' } })
    const resumedReader = resumed.body!.pipeThrough(new TextDecoderStream()).getReader()
    expect(await readUntil(resumedReader, 'retry:')).not.toContain('poke')
    await post(url, JSON.stringify(batch('c1', events('c1', 4, 1))))
    const text = await readUntil(resumedReader, 'poke')
    expect(text).toContain('"v1:4"')
    expect(text).not.toContain('"v1:3"')
    await resumedReader.cancel()
  })

  it('ends long polls and event streams on close', async () => {
    const server = await start()
    const poll = fetch(`${server.url}/events?wait=30000`).then((r) => r.json())
    const stream = await fetch(`${server.url}/events/stream`)
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader()
    await readUntil(reader, 'retry:')
    await server.close()
    running = undefined
    expect(((await poll) as { events: unknown[] }).events).toEqual([])
    expect(await readUntil(reader, 'never')).not.toContain('never')
  })
})
