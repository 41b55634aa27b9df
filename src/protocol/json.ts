import { type JsonObject, type JsonValue, StrataWireError, type WirePath } from './errors'

/**
 * Keys refused anywhere in a request. JSON.parse makes them plain own properties, but code that
 * later merges or assigns them (`Object.assign`, a naive deep merge) could reach
 * `Object.prototype`; refusing them at the door keeps every consumer safe.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
])

/** Deeper values are refused: they only serve to exhaust the stack of whoever walks them. */
export const MAX_JSON_DEPTH = 64

/** Values `parseJson` made and checked, so `parsePostEventsRequest` need not walk them again. */
const checked = new WeakSet<object>()

/**
 * Parses untrusted JSON text. Throws a `bad_request` StrataWireError for malformed text, a
 * forbidden key (with its path), a string with NUL or a lone surrogate, or nesting deeper than
 * `MAX_JSON_DEPTH`; never throws anything else.
 */
export function parseJson(text: string): JsonValue {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : 'unparsable'
    throw new StrataWireError('bad_request', `The body is not valid JSON: ${reason}`, {
      path: [],
      cause,
    })
  }
  assertSafeJson(value)
  if (value !== null && typeof value === 'object') checked.add(value)
  return value as JsonValue
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export function isStorableString(text: string): boolean {
  return !UNSTORABLE.test(text)
}

function refuse(message: string, path: WirePath, details?: JsonObject): never {
  throw new StrataWireError('bad_request', message, { path: [...path], details })
}

/**
 * Throws `bad_request` at the first forbidden key, unstorable string or too-deep value. Strings
 * must be well-formed Unicode without NUL: databases refuse NUL in text, and a lone surrogate
 * cannot be stored as UTF-8 unchanged; refused here they are a 400, not an endless 503. The walk
 * recurses, but never deeper than `MAX_JSON_DEPTH` levels, so no input can exhaust the stack.
 */
export function assertSafeJson(value: unknown, basePath: WirePath = []): void {
  if (value !== null && typeof value === 'object' && checked.has(value)) return
  // One path, extended and shortened as the walk goes: it is copied only to report a failure.
  walk(value, [...basePath], 0)
}

function walk(value: unknown, path: (string | number)[], depth: number): void {
  if (typeof value === 'string') {
    if (!isStorableString(value)) refuse(STRING_MESSAGE, path)
    return
  }
  if (value === null || typeof value !== 'object') return
  if (depth >= MAX_JSON_DEPTH) {
    refuse(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`, path, { maxDepth: MAX_JSON_DEPTH })
  }
  const next = depth + 1
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      // Numbers, booleans and null need no check: skip the call and the path entry.
      if (item === null || (typeof item !== 'object' && typeof item !== 'string')) continue
      path.push(i)
      walk(item, path, next)
      path.pop()
    }
    return
  }
  const keys = Object.keys(value)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    path.push(key)
    if (!isStorableString(key)) refuse(STRING_MESSAGE, path)
    if (FORBIDDEN_KEYS.has(key)) {
      refuse(`The key ${JSON.stringify(key)} is not allowed`, path, {
        forbiddenKeys: [...FORBIDDEN_KEYS],
      })
    }
    const item: unknown = (value as Record<string, unknown>)[key]
    if (item !== null && (typeof item === 'object' || typeof item === 'string'))
      walk(item, path, next)
    path.pop()
  }
}

const STRING_MESSAGE = 'Strings must be well-formed Unicode without NUL characters'

/** UTF-8 byte length of a string without allocating the encoded bytes. */
export function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}
