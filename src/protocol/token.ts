import { StrataWireError, type WirePath } from './errors'

/**
 * Position tokens: opaque to clients, versioned so the format can change without old clients
 * misreading new tokens. `v1:<position>`, the position a non-negative decimal integer without
 * leading zeros. `v1:0` is "before the first event". Clients store and send tokens back and may
 * compare them with `compareTokens`; only the server reads what is inside.
 */
export type PositionToken = string

export const TOKEN_PREFIX = 'v1:'
export const START_TOKEN: PositionToken = 'v1:0'

const TOKEN_RE = /^v1:(0|[1-9][0-9]{0,15})$/

export function encodeToken(position: number): PositionToken {
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new RangeError(`[strata] A position is a non-negative safe integer, received ${position}`)
  }
  return TOKEN_PREFIX + position
}

/** The position inside a token, or undefined when it is not a token this protocol issues. */
export function tryDecodeToken(token: unknown): number | undefined {
  if (typeof token !== 'string') return undefined
  const match = TOKEN_RE.exec(token)
  if (!match) return undefined
  const position = Number(match[1])
  return Number.isSafeInteger(position) ? position : undefined
}

/** The position inside a token; a malformed token throws a `bad_token` StrataWireError (400). */
export function decodeToken(token: unknown, path: WirePath = []): number {
  const position = tryDecodeToken(token)
  if (position === undefined) {
    const shown = typeof token === 'string' ? JSON.stringify(token.slice(0, 40)) : typeof token
    throw new StrataWireError(
      'bad_token',
      `${shown} is not a position token; send back a token this server gave you, like "v1:42"`,
      { path },
    )
  }
  return position
}

export function isToken(value: unknown): value is PositionToken {
  return tryDecodeToken(value) !== undefined
}

/** Orders two tokens: negative when `a` is older, 0 when equal, positive when newer. */
export function compareTokens(a: PositionToken, b: PositionToken): number {
  return Math.sign(decodeToken(a) - decodeToken(b))
}

/** The newer of two tokens; `undefined` counts as older than any token. */
export function maxToken(a: PositionToken | undefined, b: PositionToken | undefined) {
  if (a === undefined) return b
  if (b === undefined) return a
  return compareTokens(a, b) >= 0 ? a : b
}

/**
 * How many positions `to` is after `from` (`undefined`: the start). Positions are dense per
 * tenant, so a client may show this as a count of events (progress, a history index); it reads
 * nothing else inside a token.
 */
export function tokenDistance(from: PositionToken | undefined, to: PositionToken): number {
  return decodeToken(to) - (from === undefined ? 0 : decodeToken(from))
}
