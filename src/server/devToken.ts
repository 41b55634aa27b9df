import { bearerToken } from './bearer'
import type { Authorize, Principal } from './types'

/**
 * An `authorize` for development and tests: every request bearing `Authorization: Bearer
 * <token>` is `principal` (default `{ id: 'dev' }`, the default tenant), any other is refused
 * with 401. One shared secret, no users: fine for a demo or a private tool on loopback; an app
 * with users wants `bearerJwt`. The token must be at least 16 characters (`openssl rand -hex 16`).
 */
export function devToken(token: string, principal: Principal = { id: 'dev' }): Authorize {
  if (typeof token !== 'string' || token.length < 16) {
    throw new TypeError(
      `[strata] devToken needs a token of at least 16 characters, received ${typeof token === 'string' ? `${token.length}` : typeof token}; make one with \`openssl rand -hex 16\``,
    )
  }
  const frozen = Object.freeze({ ...principal })
  return (request) => {
    const given = bearerToken(request)
    return given !== undefined && sameText(given, token) ? frozen : null
  }
}

/** Compares in time that depends on the lengths only, not on where the texts first differ. */
function sameText(a: string, b: string): boolean {
  let diff = a.length ^ b.length
  for (let i = 0; i < b.length; i++) diff |= (a.charCodeAt(i) || 0) ^ b.charCodeAt(i)
  return diff === 0
}
