// Held connections over real HTTP: slow headers and bodies are cut, and long polls and event
// streams are capped per principal and in all, past which the answer is 503 with Retry-After.
import { connect, type Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { as, readUntil, sleep, start, textOf } from './attack'
import { batch, events } from './helpers'

/** A raw socket to the server, with what it received and whether the server closed it. */
async function socket(url: string) {
  const { port } = new URL(url)
  const s: Socket = connect(Number(port), '127.0.0.1')
  await new Promise<void>((resolve, reject) => s.once('connect', resolve).once('error', reject))
  let received = ''
  s.setEncoding('utf8')
  s.on('data', (chunk) => {
    received += chunk
  })
  s.on('error', () => {})
  const closed = new Promise<void>((resolve) => s.once('close', () => resolve()))
  return { s, closed, received: () => received }
}

/** Writes `text` a few bytes at a time until the socket closes or `steps` run out. */
async function dribble(s: Socket, text: string, stepMs: number, steps: number) {
  for (let i = 0; i < steps && !s.destroyed; i++) {
    s.write(text.slice(i * 2, i * 2 + 2))
    await sleep(stepMs)
  }
}

describe('slow clients', () => {
  it('closes a connection whose headers do not arrive in time (slow loris)', async () => {
    const { url } = await start({ headersTimeoutMs: 300 })
    const clients = await Promise.all(Array.from({ length: 10 }, () => socket(url)))
    for (const c of clients) c.s.write('GET /events HTTP/1.1\r\nHost: localhost\r\n')
    // A header line every 100 ms would keep an unguarded server waiting for ever.
    await Promise.race([
      Promise.all(clients.map((c) => dribble(c.s, 'X-Slow: 1\r\n'.repeat(200), 100, 1000))),
      Promise.all(clients.map((c) => c.closed)),
    ])
    await Promise.all(clients.map((c) => c.closed))
    for (const c of clients) expect(c.received()).not.toContain('200 OK')
  })

  it('answers 408 to a body that does not arrive in time, storing nothing', async () => {
    const { url, storage } = await start({ bodyTimeoutMs: 400, headersTimeoutMs: 300 })
    const body = JSON.stringify(batch('slow', events('slow', 1, 1)))
    const c = await socket(url)
    c.s.write(
      `POST /events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer alice@acme\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    )
    await Promise.race([dribble(c.s, body, 100, 1000), c.closed])
    await c.closed
    expect(c.received()).toMatch(/^HTTP\/1.1 408/)
    expect(await storage.head()).toBe(0)
  })

  it('does not cut a long poll or an event stream by the body timeout', async () => {
    const { url } = await start({ bodyTimeoutMs: 200, headersTimeoutMs: 200 })
    const alice = as(url, 'alice@acme')
    const poll = alice.get('/events?after=v1:0&wait=1200')
    const reader = textOf(await alice.stream())
    await readUntil(reader, 'retry:')
    const answer = await poll
    expect([answer.status, answer.body.events]).toEqual([200, []])
    await alice.post(batch('a', events('a', 1, 1)))
    expect(await readUntil(reader, 'event: poke')).toContain('"v1:1"')
    await reader.cancel()
  })
})

describe('caps on held requests', () => {
  it('refuses long polls past the cap per principal and in all with 503 and Retry-After', async () => {
    const running = await start({
      limits: { maxLongPollsPerPrincipal: 2, maxLongPolls: 3, retryAfterSeconds: 2 },
    })
    const { url, server } = running
    const ctrl = new AbortController()
    const hold = (who: string) =>
      fetch(`${url}/events?wait=30000`, {
        headers: { authorization: `Bearer ${who}` },
        signal: ctrl.signal,
      }).catch(() => undefined)
    const held = [hold('alice@acme'), hold('alice@acme')]
    await expect.poll(() => server.stats().longPolls).toBe(2)
    const third = await as(url, 'alice@acme').get('/events?wait=30000')
    expect([third.status, third.headers.get('retry-after'), third.body.error]).toEqual([
      503,
      '2',
      expect.objectContaining({
        code: 'unavailable',
        details: { limit: 'maxLongPollsPerPrincipal', max: 2 },
      }),
    ])
    // The same principal name in another tenant is another principal.
    held.push(hold('alice@evil'))
    await expect.poll(() => server.stats().longPolls).toBe(3)
    const over = await as(url, 'bob@acme').get('/events?wait=30000')
    expect([over.status, over.body.error.details]).toEqual([503, { limit: 'maxLongPolls', max: 3 }])
    // Reads without a wait hold nothing and still go through.
    expect((await as(url, 'bob@acme').get('/events')).status).toBe(200)
    ctrl.abort()
    await Promise.all(held)
    await expect.poll(() => server.stats().longPolls).toBe(0)
    const again = as(url, 'bob@acme').get('/events?wait=50')
    expect((await again).status).toBe(200)
  })

  it('refuses event streams past the caps, and frees a slot when a stream closes', async () => {
    const { url, server } = await start({ limits: { maxStreamsPerPrincipal: 1, maxStreams: 2 } })
    const first = textOf(await as(url, 'alice@acme').stream())
    const second = await as(url, 'alice@acme').stream()
    expect([second.status, second.headers.get('retry-after')]).toEqual([503, '1'])
    const bob = textOf(await as(url, 'bob@acme').stream())
    const carol = await as(url, 'carol@acme').stream()
    expect(((await carol.json()) as any).error.details).toEqual({ limit: 'maxStreams', max: 2 })
    expect(server.stats().streams).toBe(2)
    await first.cancel()
    await expect.poll(() => server.stats().streams).toBe(1)
    const reopened = await as(url, 'alice@acme').stream()
    expect(reopened.status).toBe(200)
    await reopened.body?.cancel()
    await bob.cancel()
  })

  it('holds a slot for a view read while it waits for its projection', async () => {
    const never = { name: 'never', initialState: 0, apply: () => new Promise<number>(() => {}) }
    const { url, server } = await start({
      projections: [never],
      limits: { maxLongPollsPerPrincipal: 1, viewWaitMs: 30_000 },
    })
    await as(url, 'alice@acme').post(batch('a', events('a', 1, 1)))
    const ctrl = new AbortController()
    const waiting = fetch(`${url}/views/never`, {
      headers: { authorization: 'Bearer alice@acme', 'x-min-position': 'v1:1' },
      signal: ctrl.signal,
    }).catch(() => undefined)
    await expect.poll(() => server.stats().longPolls).toBe(1)
    expect((await as(url, 'alice@acme').get('/events?wait=30000')).status).toBe(503)
    ctrl.abort()
    await waiting
  })
})
