// Bearer JWTs that never expire, over real HTTP: bearerJwt took a signed token without `exp`
// (jose does not require one), so a token that leaked once was good for ever. Now it is refused
// with a 401 that says why, unless the app opts out (`requireExp: false`, bounded if it likes by
// `maxTokenAgeSeconds` from `iat`); an expired token is refused past the clock's leeway.
import { type BearerJwtOptions, bearerJwt } from '@strata/state/server'
import { SignJWT } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { start } from './attack'

const SECRET = 'a-shared-hmac-secret-for-attack-tests'
const now = () => Math.floor(Date.now() / 1000)

/** A token the identity provider really signed, with exactly these time claims. */
const sign = (times: { exp?: number; iat?: number; nbf?: number }) => {
  const jwt = new SignJWT({ sub: 'alice', org: 'acme', ...times })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('https://id.example.com')
    .setAudience('strata')
  return jwt.sign(new TextEncoder().encode(SECRET))
}
const server = (options: Partial<BearerJwtOptions> = {}) =>
  start({
    authorize: bearerJwt({
      issuer: 'https://id.example.com',
      audience: 'strata',
      secret: SECRET,
      tenantClaim: 'org',
      ...options,
    }),
  })
const read = async (url: string, token: string) => {
  const response = await fetch(`${url}/events?after=v1:0`, {
    headers: { authorization: `Bearer ${token}` },
  })
  const body = (await response.json()) as any
  return { status: response.status, message: body.error?.message as string | undefined }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('bearer JWTs and their lifetime', () => {
  it('refuses a token without exp by default, saying why; the same token twice (not remembered)', async () => {
    const { url } = await server()
    const forever = await sign({ iat: now() })
    for (let i = 0; i < 2; i++) {
      expect(await read(url, forever)).toEqual({
        status: 401,
        message: 'The token has no exp claim: this server takes only tokens that expire',
      })
    }
    expect((await read(url, await sign({ exp: now() + 300 }))).status).toBe(200)
  })

  it('takes a token without exp when the app opts out (requireExp: false), as before', async () => {
    const { url } = await server({ requireExp: false })
    expect(await read(url, await sign({}))).toEqual({ status: 200, message: undefined })
  })

  it('refuses an expired token past the leeway, and takes one within it', async () => {
    const { url } = await server({ clockToleranceSeconds: 60 })
    expect(await read(url, await sign({ exp: now() - 30 }))).toEqual({
      status: 200,
      message: undefined,
    })
    expect(await read(url, await sign({ exp: now() - 120 }))).toEqual({
      status: 401,
      message: 'The token has expired; get a fresh one',
    })
    // A token not valid yet, past the leeway: refused; within it: taken.
    expect((await read(url, await sign({ exp: now() + 600, nbf: now() + 300 }))).status).toBe(401)
    expect((await read(url, await sign({ exp: now() + 600, nbf: now() + 30 }))).status).toBe(200)
  })

  it('bounds a token by maxTokenAgeSeconds from iat: older is expired, no iat is refused', async () => {
    const { url } = await server({ requireExp: false, maxTokenAgeSeconds: 60 })
    expect((await read(url, await sign({ iat: now() }))).status).toBe(200)
    expect(await read(url, await sign({ iat: now() - 600 }))).toEqual({
      status: 401,
      message: 'The token has expired; get a fresh one',
    })
    expect(await read(url, await sign({}))).toEqual({
      status: 401,
      message: 'The token has no iat claim',
    })
  })

  it('does not remember a verified token past its maximum age', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const { url } = await server({ maxTokenAgeSeconds: 10, clockToleranceSeconds: 0 })
    const token = await sign({ iat: now(), exp: now() + 3600 })
    expect((await read(url, token)).status).toBe(200)
    // 30 s on: within the minute a verified token is remembered, past its age.
    vi.setSystemTime(Date.now() + 30_000)
    expect(await read(url, token)).toEqual({
      status: 401,
      message: 'The token has expired; get a fresh one',
    })
  })

  it('refuses a bad maxTokenAgeSeconds when the server is made', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() =>
        bearerJwt({ issuer: 'i', audience: 'a', secret: SECRET, maxTokenAgeSeconds: bad }),
      ).toThrow(/maxTokenAgeSeconds must be a positive number/)
    }
  })
})
