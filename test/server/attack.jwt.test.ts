// Bearer JWTs over real HTTP, as an attacker holding a token the identity provider really
// signed: the tenant comes from the token's claim, and a claim that names no tenant (missing,
// not a string, or empty) is refused, never taken as the default tenant. An empty `org` was
// taken as tenant '': every user without an organization shared one tenant and read each
// other's events.
import { bearerJwt } from '@strata/state/server'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { start } from './attack'
import { batch, events } from './helpers'

const SECRET = 'a-shared-hmac-secret-for-attack-tests'
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('https://id.example.com')
    .setAudience('strata')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET))
const authorize = bearerJwt({
  issuer: 'https://id.example.com',
  audience: 'strata',
  secret: SECRET,
  tenantClaim: 'org',
  adminClaim: 'admin',
})

const call = async (url: string, token: string, path: string, body?: unknown) => {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  return { status: response.status, body: (await response.json()) as any }
}

describe('bearer JWT tenants', () => {
  it('refuses a token whose tenant claim is empty or no string, on every endpoint', async () => {
    const { url } = await start({ authorize })
    for (const org of ['', 0, null, false, ['acme'], { id: 'acme' }]) {
      const token = await sign({ sub: `user-${JSON.stringify(org)}`, org, admin: true })
      for (const [path, body] of [
        ['/events?after=v1:0', undefined],
        ['/events', batch('c1', events('c1', 1, 1))],
        ['/events/stream', undefined],
        ['/subjects/ada/forget', {}],
      ] as const) {
        const answer = await call(url, token, path, body)
        expect([JSON.stringify(org), path, answer.status]).toEqual([JSON.stringify(org), path, 403])
        expect(answer.body.error.message).toMatch(/org claim/)
      }
    }
  })

  it('keeps two users whose tokens name no organization out of each other’s events', async () => {
    const { url } = await start({ authorize })
    const mallory = await sign({ sub: 'mallory', org: '' })
    const victim = await sign({ sub: 'victim', org: '' })
    const wrote = await call(url, victim, '/events', batch('v', events('v', 1, 1)))
    expect(wrote.status).not.toBe(200)
    const read = await call(url, mallory, '/events?after=v1:0')
    expect(read.status).toBe(403)
    expect(JSON.stringify(read.body)).not.toContain('"v"')
  })
})
