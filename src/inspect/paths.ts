import type { Path } from './protocol'

/** More changed children than this in one object or array: report the container itself. */
const COLLAPSE_OVER = 8
const MAX_DEPTH = 24
const MAX_VISITS = 20_000

type Key = string | number

function isContainer(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false
  if (Array.isArray(value) || value instanceof Map) return true
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function keysOf(value: object): Key[] {
  if (Array.isArray(value)) return value.map((_, i) => i)
  if (value instanceof Map)
    return [...value.keys()].map((k) => (typeof k === 'number' ? k : String(k)))
  return Object.keys(value)
}

/** The child of a container at `key`, for objects, arrays and Maps. */
export function childOf(value: unknown, key: Key): unknown {
  if (value instanceof Map) return value.has(key) ? value.get(key) : value.get(String(key))
  if (typeof value !== 'object' || value === null) return undefined
  return (value as Record<Key, unknown>)[key]
}

export function getAt(value: unknown, path: Path): unknown {
  let at = value
  for (const key of path) {
    at = childOf(at, key)
    if (at === undefined) return undefined
  }
  return at
}

/**
 * The paths whose values differ between two states. Descends only where references differ, so on
 * immer states (which share every unchanged subtree) the cost follows the size of the change,
 * not of the state. Leaves are compared with Object.is; a container whose many children changed
 * is reported once.
 */
export function changedPaths(a: unknown, b: unknown, limit = 50): { paths: Path[]; more: number } {
  const paths: Path[] = []
  let more = 0
  let visits = 0
  const add = (path: Path) => {
    if (paths.length < limit) paths.push(path)
    else more++
  }
  const walk = (x: unknown, y: unknown, path: Key[]): void => {
    if (Object.is(x, y)) return
    visits++
    const both = isContainer(x) && isContainer(y) && Array.isArray(x) === Array.isArray(y)
    if (!both || path.length >= MAX_DEPTH || visits > MAX_VISITS) {
      add(path)
      return
    }
    const keys = new Set<Key>([...keysOf(x), ...keysOf(y)])
    const changed: Key[] = []
    for (const key of keys) if (!Object.is(childOf(x, key), childOf(y, key))) changed.push(key)
    if (changed.length > COLLAPSE_OVER) {
      add(path)
      return
    }
    for (const key of changed) walk(childOf(x, key), childOf(y, key), [...path, key])
  }
  walk(a, b, [])
  return { paths, more }
}

/** `todos.2.done`; keys that are not plain identifiers are quoted: `items["a b"]`. */
export function formatPath(path: Path): string {
  if (path.length === 0) return '(root)'
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += out ? `.${key}` : String(key)
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key
    else out += `[${JSON.stringify(key)}]`
  }
  return out
}

/** True when `inner` is `outer` or lies under it. */
export function isUnder(inner: Path, outer: Path): boolean {
  if (inner.length < outer.length) return false
  for (let i = 0; i < outer.length; i++) if (String(inner[i]) !== String(outer[i])) return false
  return true
}
