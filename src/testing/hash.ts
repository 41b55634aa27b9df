import { kindOf } from './values'

/**
 * A cheap, stable structural hash of a state, stored per event in a session so replay can name
 * the first event after which today's state differs, even between recorded checkpoints.
 *
 * It agrees with `diffValues`: equal states hash equal, whatever the order of object keys, Map
 * entries or Set members.
 */
export function hashState(state: unknown): string {
  return hasher()(state)
}

/**
 * A `hashState` for one pass over a log of states. Consecutive states share every subtree an
 * event did not change (immer's structural sharing, or a spread reducer's), and states in a log
 * are never mutated, so it caches each object's hash by identity, in a WeakMap: hashing the
 * state after an event visits only what the event changed.
 */
export function hasher(): (state: unknown) => string {
  const cache = new WeakMap<object, number>()
  return (state) => (hash(state, cache) >>> 0).toString(36)
}

type Cache = WeakMap<object, number>

const tags = new Map<string, number>()
const float = new Float64Array(1)
const halves = new Int32Array(float.buffer)

function hash(value: unknown, cache: Cache): number {
  switch (typeof value) {
    case 'string':
      return text(value, 0x2b)
    case 'number':
      return number(value)
    case 'boolean':
      return value ? 0x5f1 : 0x5f0
    case 'undefined':
      return 0x7a3
    case 'bigint':
      return text(String(value), 0x1b)
    case 'object':
      if (value === null) return 0x9e1
      break
    default:
      return text(String(value), tag(typeof value))
  }
  const known = cache.get(value)
  if (known !== undefined) return known
  const result = composite(value, cache)
  cache.set(value, result)
  return result
}

function composite(value: object, cache: Cache): number {
  const kind = kindOf(value)
  let h = tag(kind)
  switch (kind) {
    case 'array': {
      const items = value as unknown[]
      for (let i = 0; i < items.length; i++) h = step(h, hash(items[i], cache))
      return fmix(h ^ items.length)
    }
    case 'object': {
      let sum = 0
      let count = 0
      for (const k in value) {
        if (!Object.hasOwn(value, k)) continue
        sum = (sum + pair(text(k, 0x3d), hash((value as Record<string, unknown>)[k], cache))) | 0
        count++
      }
      return fmix(step(h, sum) ^ count)
    }
    case 'map': {
      let sum = 0
      for (const [k, v] of value as Map<unknown, unknown>)
        sum = (sum + pair(hash(k, cache), hash(v, cache))) | 0
      return fmix(step(h, sum) ^ (value as Map<unknown, unknown>).size)
    }
    case 'set': {
      let sum = 0
      for (const v of value as Set<unknown>) sum = (sum + fmix(hash(v, cache))) | 0
      return fmix(step(h, sum) ^ (value as Set<unknown>).size)
    }
    case 'date':
      return fmix(step(h, number((value as Date).getTime())))
    case 'regexp':
      return text(String(value), h)
    default: {
      const view = value as ArrayLike<number | bigint>
      for (let i = 0; i < view.length; i++) h = step(h, hash(view[i], cache))
      return fmix(h ^ view.length)
    }
  }
}

function number(n: number): number {
  if (Number.isNaN(n)) return 0x3c7
  float[0] = n
  return fmix(step(halves[0]!, halves[1]!))
}

function text(s: string, seed: number): number {
  let h = seed ^ s.length
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return fmix(h)
}

function tag(kind: string): number {
  let t = tags.get(kind)
  if (t === undefined) {
    t = text(kind, 0x51)
    tags.set(kind, t)
  }
  return t
}

function step(h: number, x: number): number {
  h = Math.imul(h ^ x, 0xcc9e2d51)
  return Math.imul((h << 15) | (h >>> 17), 0x1b873593)
}

function pair(k: number, v: number): number {
  return fmix(step(step(0x7f4a, k), v))
}

/** murmur3's finalizer: every input bit affects every output bit. */
function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}
