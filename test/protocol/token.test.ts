import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  compareTokens,
  decodeToken,
  encodeToken,
  isToken,
  maxToken,
  START_TOKEN,
  StrataWireError,
  tryDecodeToken,
} from '../../src/protocol'

describe('position tokens', () => {
  it('round-trips every position and orders like positions', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        (a, b) => {
          expect(decodeToken(encodeToken(a))).toBe(a)
          expect(compareTokens(encodeToken(a), encodeToken(b))).toBe(Math.sign(a - b))
        },
      ),
    )
  })

  it('starts at v1:0 and picks the newer token', () => {
    expect(START_TOKEN).toBe('v1:0')
    expect(encodeToken(42)).toBe('v1:42')
    expect(maxToken('v1:9', 'v1:10')).toBe('v1:10')
    expect(maxToken(undefined, 'v1:1')).toBe('v1:1')
  })

  it.each([
    '',
    'v1:',
    'v1:01',
    'v1:-1',
    'v1:1.5',
    'v1:1e3',
    'v2:1',
    'V1:1',
    ' v1:1',
    'v1:1 ',
    'v1:99999999999999999',
    '1',
  ])('refuses %j with a bad_token error', (token) => {
    expect(isToken(token)).toBe(false)
    expect(tryDecodeToken(token)).toBeUndefined()
    const error = (() => {
      try {
        decodeToken(token, ['after'])
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(StrataWireError)
    expect(error).toMatchObject({ code: 'bad_token', status: 400, path: ['after'] })
  })

  it('refuses non-strings and positions that are not safe non-negative integers', () => {
    expect(tryDecodeToken(5)).toBeUndefined()
    expect(() => encodeToken(-1)).toThrow(RangeError)
    expect(() => encodeToken(1.5)).toThrow(RangeError)
  })
})
