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

interface Frame {
  value: unknown
  parent: Frame | undefined
  key: string | number
  depth: number
}

/** The path of a frame, built only when reporting a failure. */
function pathOf(frame: Frame, base: WirePath): WirePath {
  const keys: (string | number)[] = []
  for (let f: Frame | undefined = frame; f?.parent; f = f.parent) keys.unshift(f.key)
  return [...base, ...keys]
}

function refuse(message: string, frame: Frame, base: WirePath, details?: JsonObject): never {
  throw new StrataWireError('bad_request', message, { path: pathOf(frame, base), details })
}

/**
 * Throws `bad_request` at the first forbidden key, unstorable string or too-deep value. Strings
 * must be well-formed Unicode without NUL: databases refuse NUL in text, and a lone surrogate
 * cannot be stored as UTF-8 unchanged; refused here they are a 400, not an endless 503. Walks
 * iteratively, so no input can exhaust the stack.
 */
export function assertSafeJson(value: unknown, basePath: WirePath = []): void {
  if (value !== null && typeof value === 'object' && checked.has(value)) return
  const stack: Frame[] = [{ value, parent: undefined, key: '', depth: 0 }]
  while (stack.length) {
    const frame = stack.pop()!
    const current = frame.value
    if (typeof current === 'string') {
      if (!isStorableString(current)) refuse(STRING_MESSAGE, frame, basePath)
      continue
    }
    if (current === null || typeof current !== 'object') continue
    if (frame.depth >= MAX_JSON_DEPTH) {
      refuse(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`, frame, basePath, {
        maxDepth: MAX_JSON_DEPTH,
      })
    }
    const depth = frame.depth + 1
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++)
        stack.push({ value: current[i], parent: frame, key: i, depth })
      continue
    }
    for (const key of Object.keys(current)) {
      const child: Frame = {
        value: (current as Record<string, unknown>)[key],
        parent: frame,
        key,
        depth,
      }
      if (!isStorableString(key)) refuse(STRING_MESSAGE, child, basePath)
      if (FORBIDDEN_KEYS.has(key)) {
        refuse(`The key ${JSON.stringify(key)} is not allowed`, child, basePath, {
          forbiddenKeys: [...FORBIDDEN_KEYS],
        })
      }
      stack.push(child)
    }
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
