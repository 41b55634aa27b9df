import { kindOf } from '../core/equal'

export { kindOf }

const MAX = 80

/** A short one-line rendering of a value for diffs and error messages. */
export function show(value: unknown, max = MAX): string {
  const text = render(value, 3)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function render(value: unknown, depth: number): string {
  switch (kindOf(value)) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value)
    case 'bigint':
      return `${String(value)}n`
    case 'undefined':
    case 'null':
    case 'boolean':
    case 'symbol':
      return String(value)
    case 'function':
      return `[function ${(value as Function).name || 'anonymous'}]`
    case 'date': {
      const time = (value as Date).getTime()
      return `Date(${Number.isNaN(time) ? 'Invalid' : (value as Date).toISOString()})`
    }
    case 'regexp':
      return String(value)
    case 'array':
      return depth === 0 ? '[…]' : `[${list(value as unknown[], depth)}]`
    case 'map': {
      const m = value as Map<unknown, unknown>
      const body = [...m].map(([k, v]) => `${render(k, depth - 1)} => ${render(v, depth - 1)}`)
      return depth === 0 ? `Map(${m.size})` : `Map(${m.size}) {${body.join(', ')}}`
    }
    case 'set': {
      const s = value as Set<unknown>
      return depth === 0 ? `Set(${s.size})` : `Set(${s.size}) {${list([...s], depth)}}`
    }
    case 'object': {
      if (depth === 0) return '{…}'
      const entries = Object.entries(value as object)
      const body = entries.map(([k, v]) => `${key(k)}: ${render(v, depth - 1)}`)
      return entries.length ? `{ ${body.join(', ')} }` : '{}'
    }
    default: {
      const view = value as ArrayLike<number> & { constructor: Function }
      return `${view.constructor.name} [${list(Array.from(view), depth)}]`
    }
  }
}

function list(items: unknown[], depth: number): string {
  return items.map((item) => render(item, depth - 1)).join(', ')
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/** An object key as it appears in a path: `a`, or `["a b"]` when it is not an identifier. */
export function key(k: string): string {
  return IDENTIFIER.test(k) ? k : JSON.stringify(k)
}

/** Appends a property or index to a path: `todos`, `todos[1]`, `todos[1].done`. */
export function child(path: string, k: string | number): string {
  if (typeof k === 'number') return `${path}[${k}]`
  if (IDENTIFIER.test(k)) return path ? `${path}.${k}` : k
  return `${path}[${JSON.stringify(k)}]`
}
