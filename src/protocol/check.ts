import { describeValue, formatPath, StrataWireError, type WirePath } from './errors'
import { isStorableString } from './json'

/**
 * Small checkers for untrusted values. Each throws a StrataWireError naming the failing path and
 * what was received, so a 400 tells the caller exactly what to fix.
 */
export class Checker {
  constructor(readonly code: 'bad_request' | 'bad_response' = 'bad_request') {}

  fail(path: WirePath, expected: string, received: unknown): never {
    throw new StrataWireError(
      this.code,
      `${formatPath(path)}: expected ${expected}, received ${describeValue(received)}`,
      { path },
    )
  }

  object(value: unknown, path: WirePath, allowed: readonly string[]): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(path, 'an object', value)
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        // The key is the sender's: named in full it would echo any length back.
        const shown = key.length > 64 ? `${key.slice(0, 64)}…` : key
        throw new StrataWireError(
          this.code,
          `${formatPath([...path, shown])}: unknown field; allowed fields are ${allowed.join(', ')}`,
          { path: [...path, shown] },
        )
      }
    }
    return value as Record<string, unknown>
  }

  array(value: unknown, path: WirePath): unknown[] {
    if (!Array.isArray(value)) this.fail(path, 'an array', value)
    return value
  }

  string(value: unknown, path: WirePath, maxLength: number, minLength = 1): string {
    if (typeof value !== 'string' || value.length < minLength || value.length > maxLength) {
      this.fail(path, `a string of ${minLength} to ${maxLength} characters`, value)
    }
    if (!isStorableString(value))
      this.fail(path, 'well-formed Unicode without NUL characters', value)
    return value
  }

  integer(value: unknown, path: WirePath, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      this.fail(path, `an integer from ${min} to ${max}`, value)
    }
    return value
  }

  number(value: unknown, path: WirePath): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, 'a number', value)
    return value
  }

  boolean(value: unknown, path: WirePath): boolean {
    if (typeof value !== 'boolean') this.fail(path, 'a boolean', value)
    return value
  }

  literal<T extends string>(value: unknown, path: WirePath, options: readonly T[]): T {
    if (!options.includes(value as T)) {
      this.fail(path, `one of ${options.map((o) => JSON.stringify(o)).join(', ')}`, value)
    }
    return value as T
  }
}

export const requestChecker: Checker = new Checker('bad_request')
export const responseChecker: Checker = new Checker('bad_response')
