// The built-in authorize helpers over real HTTP: a development token, and bearer JWTs verified
// with jose (a shared secret, a PEM key, a JWKS served on loopback).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { bearerJwt, devToken } from '@strata/state/server'
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { start } from './attack'
import { batch, events } from './helpers'

const SECRET = 'a-shared-hmac-secret-for-tests-only'
const sign = (
  claims: Record<string, unknown>,
  options: { exp?: string; iss?: string; aud?: string } = {},
) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setIssuer(options.iss ?? 'https://id.example.com')
    .setAudience(options.aud ?? 'strata')
    .setExpirationTime(options.exp ?? '5m')
    .sign(new TextEncoder().encode(SECRET))
const jwt = (extra: Parameters<typeof bearerJwt>[0] | object = {}) =>
  bearerJwt({
    issuer: 'https://id.example.com',
    audience: 'strata',
    secret: SECRET,
    tenantClaim: 'org',
    ...extra,
  } as Parameters<typeof bearerJwt>[0])
const bearer = (url: string, token: string) => ({
  get: (path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } }),
  post: (body: unknown) =>
    fetch(`${url}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
})

describe('devToken', () => {
  it('lets in the bearer of the token only', async () => {
    const token = 'dev-token-0123456789abcdef'
    const { url } = await start({ authorize: devToken(token) })
    const refused = await fetch(`${url}/events`)
    expect([refused.status, refused.headers.get('www-authenticate')]).toEqual([401, 'Bearer'])
    for (const wrong of ['dev-token-0123456789abcdeX', 'dev-token', `${token}0`, ''])
      expect((await bearer(url, wrong).get('/events')).status).toBe(401)
    const basic = await fetch(`${url}/events`, { headers: { authorization: 'Basic abc' } })
    expect(basic.status).toBe(401)
    expect((await bearer(url, token).post(batch('c', events('c', 1, 1)))).status).toBe(200)
    expect(() => devToken('short')).toThrow(/at least 16 characters/)
  })
})

describe('bearerJwt', () => {
  it('takes the principal from sub and the tenant from its claim, and keeps tenants apart', async () => {
    const { url } = await start({ authorize: jwt() })
    const alice = bearer(url, await sign({ sub: 'alice', org: 'acme' }))
    const eve = bearer(url, await sign({ sub: 'eve', org: 'evil' }))
    expect((await alice.post(batch('a', events('a', 1, 2)))).status).toBe(200)
    expect(((await (await eve.get('/events')).json()) as any).events).toEqual([])
    // The same client id from another sub of the same tenant is refused: it is alice's.
    const bob = bearer(url, await sign({ sub: 'bob', org: 'acme' }))
    expect((await bob.post(batch('a', events('a', 3, 1)))).status).toBe(403)
  })

  it.each([
    ['expired', () => sign({ sub: 'a', org: 'acme' }, { exp: '-1m' }), 401, /expired/],
    [
      'of another issuer',
      () => sign({ sub: 'a', org: 'acme' }, { iss: 'https://evil.example' }),
      401,
      /not valid/,
    ],
    [
      'for another audience',
      () => sign({ sub: 'a', org: 'acme' }, { aud: 'other' }),
      401,
      /not valid/,
    ],
    ['without a tenant', () => sign({ sub: 'a' }), 403, /org claim/],
    ['without a subject', () => sign({ org: 'acme' }), 401, /sub claim/],
    [
      'unsigned',
      async () => `${btoa('{"alg":"none"}')}.${btoa('{"sub":"a","org":"acme"}')}.`,
      401,
      /not valid/,
    ],
    [
      'signed with another secret',
      () =>
        new SignJWT({ sub: 'a', org: 'acme' })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer('https://id.example.com')
          .setAudience('strata')
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('another-secret-of-enough-length')),
      401,
      /not valid/,
    ],
  ])('refuses a token %s', async (_, make, status, message) => {
    const { url } = await start({ authorize: jwt() })
    const response = await bearer(url, await make()).get('/events')
    expect(response.status).toBe(status)
    expect(((await response.json()) as any).error.message).toMatch(message)
  })

  describe('remembering verified tokens', () => {
    afterEach(() => {
      vi.useRealTimers()
      vi.restoreAllMocks()
    })
    const setup = async () => {
      const { url } = await start({ authorize: jwt() })
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
      return { url, verify: vi.spyOn(crypto.subtle, 'verify') }
    }
    const later = (ms: number) => vi.setSystemTime(Date.now() + ms)

    it('checks a token once, then takes it as checked for a minute at most', async () => {
      const { url, verify } = await setup()
      const alice = bearer(url, await sign({ sub: 'alice', org: 'acme' }, { exp: '1h' }))
      for (let i = 0; i < 3; i++) expect((await alice.get('/events')).status).toBe(200)
      expect(verify).toHaveBeenCalledTimes(1)
      later(59_000)
      expect((await alice.get('/events')).status).toBe(200)
      expect(verify).toHaveBeenCalledTimes(1)
      later(2_000)
      expect((await alice.get('/events')).status).toBe(200)
      expect(verify).toHaveBeenCalledTimes(2)
      // Another token is checked on its own, and one that fails is never taken as checked.
      const forged = `${(await sign({ sub: 'alice', org: 'acme' })).slice(0, -4)}AAAA`
      for (let i = 0; i < 2; i++)
        expect((await bearer(url, forged).get('/events')).status).toBe(401)
      expect(verify).toHaveBeenCalledTimes(4)
    })

    it('never takes a token past its exp (and the leeway)', async () => {
      const { url } = await setup()
      const alice = bearer(url, await sign({ sub: 'alice', org: 'acme' }, { exp: '30s' }))
      expect((await alice.get('/events')).status).toBe(200)
      later(34_000)
      expect((await alice.get('/events')).status).toBe(200)
      later(2_000)
      const response = await alice.get('/events')
      expect(response.status).toBe(401)
      expect(((await response.json()) as any).error.message).toMatch(/expired/)
    })
  })

  describe('with keys of an identity provider', () => {
    let jwks: Server
    let jwksUrl = ''
    let up = true
    const keys = generateKeyPair('RS256')
    afterAll(() => new Promise<void>((r) => jwks?.close(() => r())))

    const rsToken = async (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer('https://id.example.com')
        .setAudience('strata')
        .setExpirationTime('5m')
        .sign((await keys).privateKey)

    it('verifies with a JWKS fetched from its URL, and answers 503 while it cannot be had', async () => {
      const jwk = { ...(await exportJWK((await keys).publicKey)), kid: 'k1', alg: 'RS256' }
      jwks = createServer((_, res) => {
        if (!up) res.writeHead(500).end()
        else
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ keys: [jwk] }))
      })
      await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()))
      jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`
      const { url } = await start({
        authorize: bearerJwt({ issuer: 'https://id.example.com', audience: 'strata', jwksUrl }),
      })
      const ok = await bearer(url, await rsToken({ sub: 'alice' })).get('/events')
      expect(ok.status).toBe(200)
      // A fresh server knows no keys yet; the provider is down: retry later, not "sign in again".
      up = false
      const { url: other } = await start({
        authorize: bearerJwt({ issuer: 'https://id.example.com', audience: 'strata', jwksUrl }),
      })
      const down = await bearer(other, await rsToken({ sub: 'alice' })).get('/events')
      expect([down.status, down.headers.get('retry-after')]).toEqual([503, '1'])
      up = true
    })

    it('verifies with a PEM public key, only for the algorithms given', async () => {
      const publicKey = await exportSPKI((await keys).publicKey)
      const { url } = await start({
        authorize: bearerJwt({
          issuer: 'https://id.example.com',
          audience: 'strata',
          publicKey,
          algorithms: ['RS256'],
        }),
      })
      expect((await bearer(url, await rsToken({ sub: 'alice' })).get('/events')).status).toBe(200)
      // An HS256 token "signed" with the public key as secret (algorithm confusion) is refused.
      const confused = await new SignJWT({ sub: 'alice' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('https://id.example.com')
        .setAudience('strata')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(publicKey))
      expect((await bearer(url, confused).get('/events')).status).toBe(401)
    })
  })

  it('refuses configurations that cannot be safe', () => {
    const base = { issuer: 'https://id.example.com', audience: 'strata' }
    expect(() => bearerJwt(base)).toThrow(/exactly one of/)
    expect(() => bearerJwt({ ...base, secret: SECRET, jwksUrl: 'https://x/jwks' })).toThrow(
      /exactly one of/,
    )
    expect(() => bearerJwt({ ...base, publicKey: 'PEM' })).toThrow(/needs algorithms/)
    expect(() => bearerJwt({ ...base, issuer: '', secret: SECRET })).toThrow(/needs issuer/)
  })
})
