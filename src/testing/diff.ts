import { hashState } from './hash'
import { child, kindOf, show } from './values'

/** One difference between two values, at a path like `todos[1].done` or `byId.get("a")`. */
export interface Change {
  path: string
  /** `changed`: both sides have a value; `removed`: only expected has one; `added`: only actual. */
  kind: 'changed' | 'added' | 'removed'
  expected?: unknown
  actual?: unknown
}

/**
 * The differences between two values, deepest first reached, at most `limit` of them. Empty when
 * they are equal: same kinds, same numbers (`Object.is`, so NaN equals NaN and -0 is not 0),
 * objects with the same own keys in any order, Maps and Sets with the same entries in any order.
 */
export function diffValues(expected: unknown, actual: unknown, limit = 1000): Change[] {
  const out: Change[] = []
  walk('', expected, actual, out, limit)
  return out
}

function walk(path: string, a: unknown, b: unknown, out: Change[], limit: number): void {
  if (out.length >= limit || Object.is(a, b)) return
  const kind = kindOf(a)
  const changed = () => out.push({ path, kind: 'changed', expected: a, actual: b })
  if (kind !== kindOf(b)) return void changed()
  const only = (p: string, side: 'expected' | 'actual', value: unknown) =>
    out.length < limit &&
    out.push({ path: p, kind: side === 'expected' ? 'removed' : 'added', [side]: value })
  switch (kind) {
    case 'array': {
      const x = a as unknown[]
      const y = b as unknown[]
      for (let i = 0; i < Math.max(x.length, y.length); i++) {
        if (i >= y.length) only(child(path, i), 'expected', x[i])
        else if (i >= x.length) only(child(path, i), 'actual', y[i])
        else walk(child(path, i), x[i], y[i], out, limit)
      }
      return
    }
    case 'object': {
      const x = a as Record<string, unknown>
      const y = b as Record<string, unknown>
      for (const k of Object.keys(x)) {
        if (Object.hasOwn(y, k)) walk(child(path, k), x[k], y[k], out, limit)
        else only(child(path, k), 'expected', x[k])
      }
      for (const k of Object.keys(y)) if (!Object.hasOwn(x, k)) only(child(path, k), 'actual', y[k])
      return
    }
    case 'map': {
      const at = (k: unknown) => `${path}.get(${show(k, 40)})`
      const x = group([...(a as Map<unknown, unknown>)], ([k]) => k)
      const y = group([...(b as Map<unknown, unknown>)], ([k]) => k)
      pairUp(x, y, (e, f) => {
        if (e && f) walk(at(e[0]), e[1], f[1], out, limit)
        else if (e) only(at(e[0]), 'expected', e[1])
        else if (f) only(at(f[0]), 'actual', f[1])
      })
      return
    }
    case 'set': {
      const x = group([...(a as Set<unknown>)], (v) => v)
      const y = group([...(b as Set<unknown>)], (v) => v)
      pairUp(x, y, (e, f) => {
        if (e && !f) only(`${path}.has(…)`, 'expected', e)
        if (f && !e) only(`${path}.has(…)`, 'actual', f)
      })
      return
    }
    case 'date':
      if (!Object.is((a as Date).getTime(), (b as Date).getTime())) changed()
      return
    case 'regexp':
      if (String(a) !== String(b)) changed()
      return
    default:
      if (typeof a !== 'object' || !sameItems(a as ArrayLike<unknown>, b as ArrayLike<unknown>)) {
        changed()
      }
  }
}

/** Items grouped by identity: primitives as they are, objects by structural hash. */
function group<T>(items: T[], key: (item: T) => unknown): Map<unknown, T[]> {
  const out = new Map<unknown, T[]>()
  for (const item of items) {
    const k = key(item)
    const id = typeof k === 'object' && k !== null ? `#${hashState(k)}` : k
    const list = out.get(id)
    if (list) list.push(item)
    else out.set(id, [item])
  }
  return out
}

/** Pairs the items of two groupings by identity and position; a missing side is undefined. */
function pairUp<T>(
  x: Map<unknown, T[]>,
  y: Map<unknown, T[]>,
  visit: (e: T | undefined, f: T | undefined) => void,
): void {
  for (const [id, list] of x) {
    const other = y.get(id) ?? []
    for (let i = 0; i < Math.max(list.length, other.length); i++) visit(list[i], other[i])
  }
  for (const [id, list] of y) if (!x.has(id)) for (const item of list) visit(undefined, item)
}

function sameItems(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false
  return true
}

export interface FormatOptions {
  /** How many changes to print before summarising the rest. Default 20. */
  max?: number
  indent?: string
  /** The name of the whole value, for a difference at the top. Default `(the whole value)`. */
  root?: string
}

/**
 * A readable listing of changes, `-` for the expected (recorded) side and `+` for the actual
 * (replayed) one:
 *
 *     todos[1].done
 *       - true
 *       + false
 */
export function formatChanges(changes: readonly Change[], options: FormatOptions = {}): string {
  const { max = 20, indent = '', root = '(the whole value)' } = options
  const lines: string[] = []
  for (const change of changes.slice(0, max)) {
    lines.push(`${indent}${change.path || root}`)
    if (change.kind !== 'added') lines.push(`${indent}  - ${show(change.expected, 100)}`)
    if (change.kind !== 'removed') lines.push(`${indent}  + ${show(change.actual, 100)}`)
  }
  if (changes.length > max) lines.push(`${indent}… and ${changes.length - max} more differences`)
  return lines.join('\n')
}

/** `formatChanges(diffValues(expected, actual))`: an empty string when the values are equal. */
export function printDiff(expected: unknown, actual: unknown, options?: FormatOptions): string {
  return formatChanges(diffValues(expected, actual), options)
}
