import type { JWK, JWTPayload, JWTVerifyGetKey } from 'jose'
import { StrataWireError } from '../protocol'
import { bearerToken } from './bearer'
import type { Authorize, Principal } from './types'

export interface BearerJwtOptions {
  /** The `iss` a token must name (one of them, when several). */
  issuer: string | readonly string[]
  /** The `aud` a token must name (one of them). */
  audience: string | readonly string[]
  /** The identity provider's JSON Web Key Set URL; keys are fetched, cached and rotated by jose. */
  jwksUrl?: string | URL
  /** A key set given inline (`{ keys: [...] }`). */
  jwks?: { keys: JWK[] }
  /** One public key as PEM (SPKI, `-----BEGIN PUBLIC KEY-----`); needs `algorithms`. */
  publicKey?: string
  /** A shared HMAC secret (HS256/384/512): only where the server and the issuer are one party. */
  secret?: string | Uint8Array
  /** Accepted `alg`s. Default: RS256, PS256, ES256, EdDSA for keys; HS256 for a secret. */
  algorithms?: readonly string[]
  /**
   * The claim that holds the tenant, like `org_id`. A token without it (or not a string, or
   * empty) is refused: it must not fall into the default tenant. Default: no tenants (every principal in
   * the default tenant).
   */
  tenantClaim?: string
  /** The claim that holds the principal's id. Default `sub`. */
  principalClaim?: string
  /**
   * The claim that makes the principal an admin of its tenant when it is `true` (admin actions
   * like forgetting a subject), like `strata_admin`. Default: no admins from tokens.
   */
  adminClaim?: string
  /** Leeway for `exp`, `nbf` and `maxTokenAgeSeconds`. Default 5 s. */
  clockToleranceSeconds?: number
  /**
   * Whether a token must carry `exp`. Default `true`: a token without one never expires, so one
   * that leaks is good for ever. `false` takes such tokens, as bearerJwt did before; bound them
   * with `maxTokenAgeSeconds` then.
   */
  requireExp?: boolean
  /**
   * Refuses a token issued (`iat`, then required) longer ago than this, whatever its `exp`, as
   * expired. Default: no bound but `exp`.
   */
  maxTokenAgeSeconds?: number
  /** Stream permissions from the verified claims (`canRead`, `canWrite`). */
  permissions?: (claims: JWTPayload) => Pick<Principal, 'canRead' | 'canWrite'>
}

type Jose = typeof import('jose')

/** How long a verified token is taken as verified, at most, and how many are kept. */
const REMEMBER_MS = 60_000
const REMEMBERED_TOKENS = 10_000

/**
 * An `authorize` that verifies `Authorization: Bearer <JWT>` with jose (signature, `iss`,
 * `aud`, `exp` (required unless `requireExp: false`), `nbf`, `iat` with `maxTokenAgeSeconds`),
 * and makes the principal from its claims: the id from `sub`, the tenant
 * from `tenantClaim`. No token or a bad one is a 401 (an expired one says so, so the client
 * refreshes it); a key set that cannot be fetched is a 503, retried later. A token that verified
 * is taken as verified for a minute at most, and never past its `exp` (nor its maximum age).
 */
export function bearerJwt(options: BearerJwtOptions): Authorize {
  const sources = ['jwksUrl', 'jwks', 'publicKey', 'secret'].filter(
    (k) => options[k as keyof BearerJwtOptions] !== undefined,
  )
  if (sources.length !== 1) {
    throw new TypeError(
      `[strata] bearerJwt needs exactly one of jwksUrl, jwks, publicKey or secret; received ${sources.length ? sources.join(', ') : 'none'}`,
    )
  }
  if (options.publicKey !== undefined && !options.algorithms?.length) {
    throw new TypeError('[strata] bearerJwt with publicKey needs algorithms, like ["RS256"]')
  }
  for (const name of ['issuer', 'audience'] as const) {
    const value = options[name]
    if (!(typeof value === 'string' ? value : value?.length)) {
      throw new TypeError(
        `[strata] bearerJwt needs ${name}: the ${name === 'issuer' ? 'iss' : 'aud'} your tokens carry`,
      )
    }
  }
  const algorithms = [
    ...(options.algorithms ??
      (options.secret !== undefined ? ['HS256'] : ['RS256', 'PS256', 'ES256', 'EdDSA'])),
  ]
  const principalClaim = options.principalClaim ?? 'sub'
  const tolerance = options.clockToleranceSeconds ?? 5
  const maxAge = options.maxTokenAgeSeconds
  if (maxAge !== undefined && !(Number.isFinite(maxAge) && maxAge > 0)) {
    throw new TypeError(
      `[strata] bearerJwt maxTokenAgeSeconds must be a positive number of seconds; received ${maxAge}`,
    )
  }
  // Tokens verified lately, by their exact text: a client sends the same token with every
  // request, and checking its signature each time (Web Crypto, about 0.3 ms) was a tenth of the
  // server's work per POST. Each is kept a minute at most and never past its exp (with the same
  // leeway jose allows), so an expired token is verified again, and refused as expired.
  const verified = new Map<string, { claims: JWTPayload; until: number }>()
  const recall = (token: string) => {
    const hit = verified.get(token)
    if (hit && hit.until > Date.now()) return hit.claims
    if (hit) verified.delete(token)
    return undefined
  }
  const remember = (token: string, claims: JWTPayload) => {
    const now = Date.now()
    const expires = typeof claims.exp === 'number' ? (claims.exp + tolerance) * 1000 : Infinity
    const aged =
      maxAge !== undefined && typeof claims.iat === 'number'
        ? (claims.iat + maxAge + tolerance) * 1000
        : Infinity
    if (verified.size >= REMEMBERED_TOKENS) verified.delete(verified.keys().next().value!)
    verified.set(token, { claims, until: Math.min(now + REMEMBER_MS, expires, aged) })
  }
  let verifier: Promise<(token: string) => Promise<JWTPayload>> | undefined
  const load = async () => {
    const jose: Jose = await import('jose').catch((cause) => {
      throw new TypeError('[strata] bearerJwt needs the "jose" package: npm install jose', {
        cause,
      })
    })
    const key = await keyOf(jose, options, algorithms)
    return async (token: string) =>
      (
        await jose.jwtVerify(token, key as JWTVerifyGetKey, {
          issuer: toList(options.issuer),
          audience: toList(options.audience),
          algorithms,
          clockTolerance: tolerance,
          requiredClaims: options.requireExp === false ? [] : ['exp'],
          ...(maxAge !== undefined && { maxTokenAge: maxAge }),
        })
      ).payload
  }

  return async (request) => {
    const token = bearerToken(request)
    if (token === undefined) return null
    // Loaded once; a failure (no jose, a bad key) is a configuration error, reported as a 500.
    verifier ??= load()
    verifier.catch(() => {
      verifier = undefined
    })
    const verify = await verifier
    let claims = recall(token)
    if (!claims) {
      try {
        claims = await verify(token)
      } catch (error) {
        throw refusal(error)
      }
      remember(token, claims)
    }
    const id = claims[principalClaim]
    if (typeof id !== 'string' || !id) {
      throw new StrataWireError('unauthorized', `The token has no ${principalClaim} claim`)
    }
    const principal: Principal = { id, ...options.permissions?.(claims) }
    if (options.tenantClaim !== undefined) {
      const tenant = claims[options.tenantClaim]
      // '' is the default tenant: every token with an empty claim would share it.
      if (typeof tenant !== 'string' || !tenant) {
        throw new StrataWireError('forbidden', `The token has no ${options.tenantClaim} claim`)
      }
      principal.tenant = tenant
    }
    if (options.adminClaim !== undefined && claims[options.adminClaim] === true)
      principal.admin = true
    return principal
  }
}

const toList = (value: string | readonly string[]) =>
  typeof value === 'string' ? value : [...value]

async function keyOf(
  jose: Jose,
  options: BearerJwtOptions,
  algorithms: string[],
): Promise<JWTVerifyGetKey | CryptoKey | Uint8Array> {
  if (options.jwksUrl !== undefined) return jose.createRemoteJWKSet(new URL(options.jwksUrl))
  if (options.jwks !== undefined) return jose.createLocalJWKSet(options.jwks)
  if (options.publicKey !== undefined) return jose.importSPKI(options.publicKey, algorithms[0]!)
  const secret = options.secret!
  return typeof secret === 'string' ? new TextEncoder().encode(secret) : secret
}

/** A 401 for a token that does not verify; a 503 when the keys could not be had. */
function refusal(error: unknown): StrataWireError {
  const { code, claim, reason } = error as { code?: string; claim?: string; reason?: string }
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && reason === 'missing')
    return new StrataWireError(
      'unauthorized',
      claim === 'exp'
        ? 'The token has no exp claim: this server takes only tokens that expire'
        : `The token has no ${claim} claim`,
      { cause: error },
    )
  if (code === 'ERR_JWT_EXPIRED')
    return new StrataWireError('unauthorized', 'The token has expired; get a fresh one', {
      cause: error,
    })
  if (code === 'ERR_JWKS_TIMEOUT' || code === undefined || code === 'ERR_JOSE_GENERIC')
    return new StrataWireError(
      'unavailable',
      'The signing keys could not be fetched; retry later',
      { cause: error },
    )
  return new StrataWireError('unauthorized', 'The token is not valid', { cause: error })
}
