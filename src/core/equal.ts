/**
 * What kind of value something is, for comparing states: two values of different kinds always
 * differ. Typed arrays carry their constructor name.
 */
export function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value !== 'object') return typeof value
  if (Array.isArray(value)) return 'array'
  if (value instanceof Date) return 'date'
  if (value instanceof Map) return 'map'
  if (value instanceof Set) return 'set'
  if (value instanceof RegExp) return 'regexp'
  if (ArrayBuffer.isView(value)) return value.constructor.name
  return 'object'
}

/** One step into a state: a property, an index, the key of a Map entry, or a Set member. */
export type PathStep = string | number | { readonly mapKey: unknown } | { readonly setMember: true }

export interface Difference {
  readonly path: readonly PathStep[]
  /** `changed`: both sides have a value; `removed`: only the first; `added`: only the second. */
  readonly kind: 'changed' | 'added' | 'removed'
  readonly expected?: unknown
  readonly actual?: unknown
}

/** Return false to stop the walk. */
type Visit = (difference: Difference) => boolean

/**
 * The one comparison of states, behind both hot-reload reports (`deepEqual`) and replay diffs
 * (`diffValues`), so the two never disagree. Equal means: the same kinds; `Object.is` for
 * primitives (NaN equals NaN, -0 is not 0); objects with the same own keys in any order; Maps and
 * Sets with the same entries in any order, keys and members that are objects compared by
 * structure; Dates by time; RegExps by source and flags; typed arrays item by item. Identical
 * references are equal without looking inside, which makes immer states cheap to compare.
 * Calls `visit` for each difference, in the order reached; returns false if `visit` stopped it.
 */
export function compare(a: unknown, b: unknown, visit: Visit): boolean {
  return walk(a, b, visit, [])
}

/** `path` is one stack, pushed and popped as the walk goes: a copy is made only per difference. */
function walk(a: unknown, b: unknown, visit: Visit, path: PathStep[]): boolean {
  if (Object.is(a, b)) return true
  const kind = kindOf(a)
  if (kind !== kindOf(b)) return differ(visit, path, 'changed', a, b)
  switch (kind) {
    case 'array': {
      const x = a as unknown[]
      const y = b as unknown[]
      for (let i = 0; i < Math.max(x.length, y.length); i++) {
        if (
          !step(
            visit,
            path,
            i,
            x[i],
            y[i],
            i >= y.length ? 'removed' : i >= x.length ? 'added' : undefined,
          )
        )
          return false
      }
      return true
    }
    case 'object': {
      const x = a as Record<string, unknown>
      const y = b as Record<string, unknown>
      for (const k in x) {
        if (!Object.hasOwn(x, k)) continue
        if (!step(visit, path, k, x[k], y[k], Object.hasOwn(y, k) ? undefined : 'removed'))
          return false
      }
      for (const k in y) {
        if (
          Object.hasOwn(y, k) &&
          !Object.hasOwn(x, k) &&
          !step(visit, path, k, undefined, y[k], 'added')
        )
          return false
      }
      return true
    }
    case 'map':
    case 'set': {
      // Primitive keys (and members) are looked up; objects are paired by structure.
      const set = kind === 'set'
      const pairs = (m: unknown) =>
        set ? [...(m as Set<unknown>)].map((v) => [v, v] as const) : (m as Map<unknown, unknown>)
      const rest = new Map(pairs(b))
      for (const [k, v] of pairs(a)) {
        const twin = !rest.has(k) && isObject(k) ? partner(rest, k, v) : k
        const found = rest.has(twin)
        const other = rest.get(twin)
        rest.delete(twin)
        const at = set ? SET_MEMBER : { mapKey: k }
        if (
          found
            ? !set && !step(visit, path, at, v, other, undefined)
            : !step(visit, path, at, v, undefined, 'removed')
        )
          return false
      }
      for (const [k, v] of rest)
        if (!step(visit, path, set ? SET_MEMBER : { mapKey: k }, undefined, v, 'added'))
          return false
      return true
    }
    case 'date':
      return Object.is(+(a as Date), +(b as Date)) || differ(visit, path, 'changed', a, b)
    case 'regexp':
      return String(a) === String(b) || differ(visit, path, 'changed', a, b)
    default: {
      const x = a as ArrayLike<unknown>
      const y = b as ArrayLike<unknown>
      let same = typeof a === 'object' && x.length === y.length
      for (let i = 0; same && i < x.length; i++) same = Object.is(x[i], y[i])
      return same || differ(visit, path, 'changed', a, b)
    }
  }
}

const SET_MEMBER: PathStep = { setMember: true }

function differ(visit: Visit, path: PathStep[], kind: Difference['kind'], a: unknown, b: unknown) {
  const at = path.slice()
  if (kind === 'added') return visit({ path: at, kind, actual: b })
  if (kind === 'removed') return visit({ path: at, kind, expected: a })
  return visit({ path: at, kind, expected: a, actual: b })
}

/** One step down and back up: both sides compared, or the one side there is reported. */
function step(
  visit: Visit,
  path: PathStep[],
  at: PathStep,
  a: unknown,
  b: unknown,
  missing: 'added' | 'removed' | undefined,
): boolean {
  if (missing === undefined && Object.is(a, b)) return true
  path.push(at)
  const go = missing ? differ(visit, path, missing, a, b) : walk(a, b, visit, path)
  path.pop()
  return go
}

const isObject = (value: unknown) => typeof value === 'object' && value !== null

/** The first key of `rest` equal to `key` by structure, one with an equal value if there is one. */
function partner(rest: Map<unknown, unknown>, key: unknown, value: unknown): unknown {
  let first: unknown = key
  for (const [o, v] of rest) {
    if (!isObject(o) || !deepEqual(o, key)) continue
    if (deepEqual(v, value)) return o
    if (first === key) first = o
  }
  return first
}

/** Structural equality of states, by the rules of `compare`. */
export function deepEqual(a: unknown, b: unknown): boolean {
  return compare(a, b, () => false)
}
