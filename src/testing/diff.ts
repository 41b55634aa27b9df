import { compare, type PathStep } from '../core/equal'
import { child, show } from './values'

/** One difference between two values, at a path like `todos[1].done` or `byId.get("a")`. */
export interface Change {
  path: string
  /** `changed`: both sides have a value; `removed`: only expected has one; `added`: only actual. */
  kind: 'changed' | 'added' | 'removed'
  expected?: unknown
  actual?: unknown
}

/**
 * The differences between two values, in the order reached, at most `limit` of them. Empty when
 * they are equal by the core's one comparison of states (the rules hot-reload reports use too):
 * same kinds, same numbers (`Object.is`, so NaN equals NaN and -0 is not 0), objects with the
 * same own keys in any order, Maps and Sets with the same entries in any order.
 */
export function diffValues(expected: unknown, actual: unknown, limit = 1000): Change[] {
  const out: Change[] = []
  if (limit <= 0) return out
  compare(expected, actual, ({ path, kind, ...sides }) => {
    out.push({ path: pathText(path), kind, ...sides })
    return out.length < limit
  })
  return out
}

/** `todos[1].done`, `byId.get("a").title`, `tags.has(…)`. */
function pathText(steps: readonly PathStep[]): string {
  let path = ''
  for (const step of steps) {
    if (typeof step !== 'object') path = child(path, step)
    else if ('mapKey' in step) path = `${path}.get(${show(step.mapKey, 40)})`
    else path = `${path}.has(…)`
  }
  return path
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
