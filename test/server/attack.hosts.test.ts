// Host and Origin over real HTTP: a page on a rebound DNS name is refused by its Host header;
// browsers on other origins get CORS answers only when the server is told to give them.
import { request as httpRequest } from 'node:http'
import { describe, expect, it } from 'vitest'
import { as, start } from './attack'
import { batch, events } from './helpers'

/** A raw request, so the Host header is whatever the attacker's browser would send. */
function raw(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<{
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}> {
  const { port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/events',
        headers: options.headers,
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => {
          body += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

const bearer = { authorization: 'Bearer alice@acme' }

describe('Host allowlist', () => {
  it('refuses names it was not given (DNS rebinding) and accepts loopback names and addresses', async () => {
    const { url, storage } = await start()
    const { port } = new URL(url)
    for (const name of ['evil.example.com', 'attacker.test', 'localhost.evil.com', 'a.b.c.d']) {
      const read = await raw(url, { headers: { ...bearer, host: `${name}:${port}` } })
      expect([read.status, JSON.parse(read.body).error.code]).toEqual([403, 'forbidden'])
      expect(read.body).toContain('allowedHosts')
      const write = await raw(url, {
        method: 'POST',
        headers: { ...bearer, host: name, 'content-type': 'application/json' },
        body: JSON.stringify(batch('c', events('c', 1, 1))),
      })
      expect(write.status).toBe(403)
    }
    expect(await storage.head()).toBe(0)
    for (const host of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      'app.localhost',
    ]) {
      expect((await raw(url, { headers: { ...bearer, host } })).status).toBe(200)
    }
  })

  it('accepts the names and domains it is given, or any with true', async () => {
    const listed = await start({ allowedHosts: ['events.example.com', '.example.org'] })
    const status = async (url: string, host: string) =>
      (await raw(url, { headers: { ...bearer, host } })).status
    expect(await status(listed.url, 'events.example.com')).toBe(200)
    expect(await status(listed.url, 'EVENTS.example.com:443')).toBe(200)
    expect(await status(listed.url, 'example.org')).toBe(200)
    expect(await status(listed.url, 'a.b.example.org')).toBe(200)
    expect(await status(listed.url, 'badexample.org')).toBe(403)
    expect(await status(listed.url, 'example.com')).toBe(403)
    const open = await start({ allowedHosts: true })
    expect(await status(open.url, 'anything.example')).toBe(200)
  })
})

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    raw(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, x-min-position',
      },
    })

  it('is off unless asked for: no origin is told it may read', async () => {
    const { url } = await start()
    const answer = await preflight(url, 'https://app.example.com')
    expect(answer.headers['access-control-allow-origin']).toBeUndefined()
    const read = await raw(url, { headers: { ...bearer, origin: 'https://app.example.com' } })
    expect(read.status).toBe(200)
    expect(read.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('answers the listed origins through Hono’s middleware, errors included', async () => {
    const { url } = await start({ cors: { origin: ['https://app.example.com'] } })
    const ok = await preflight(url, 'https://app.example.com')
    expect(ok.status).toBe(204)
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.com')
    expect(String(ok.headers['access-control-allow-headers']).toLowerCase()).toContain(
      'x-min-position',
    )
    expect(ok.headers['access-control-allow-credentials']).toBeUndefined()
    const other = await preflight(url, 'https://evil.example.com')
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
    const read = await raw(url, { headers: { ...bearer, origin: 'https://app.example.com' } })
    expect(read.headers['access-control-allow-origin']).toBe('https://app.example.com')
    expect(String(read.headers['access-control-expose-headers'])).toContain('X-Position')
    // A refusal is readable too, so the app can tell a sign-in problem from a network one.
    const refused = await raw(url, { headers: { origin: 'https://app.example.com' } })
    expect([refused.status, refused.headers['access-control-allow-origin']]).toEqual([
      401,
      'https://app.example.com',
    ])
    // Same-origin and server callers are not affected.
    expect((await as(url, 'alice@acme').get('/events')).status).toBe(200)
  })

  it('sends credentials only when asked, and never with any origin', async () => {
    const { url } = await start({
      cors: { origin: ['https://app.example.com'], credentials: true },
    })
    const ok = await preflight(url, 'https://app.example.com')
    expect(ok.headers['access-control-allow-credentials']).toBe('true')
    await expect(start({ cors: { origin: '*', credentials: true } })).rejects.toThrow(
      /cannot go with credentials/,
    )
  })
})
