import type { Path } from '@strata/state/inspect'
import { childrenOf, preview } from './format'

export const pathKey = (path: Path) => JSON.stringify(path)

const MAX_VISITS = 20_000

/**
 * Paths whose key or value contains `query`, and the keys of their ancestors (to expand them).
 * Stops after visiting MAX_VISITS nodes, so a huge state cannot freeze the panel.
 */
export function searchTree(value: unknown, query: string) {
  const q = query.trim().toLowerCase()
  const matches = new Set<string>()
  const open = new Set<string>()
  if (!q) return { matches, open, truncated: false }
  let visits = 0
  const walk = (v: unknown, path: (string | number)[]): boolean => {
    if (++visits > MAX_VISITS) return false
    const kids = childrenOf(v)
    let hit = false
    const key = path[path.length - 1]
    if (key !== undefined && String(key).toLowerCase().includes(q)) hit = true
    if (!kids && preview(v, 200).toLowerCase().includes(q)) hit = true
    if (hit) matches.add(pathKey(path))
    let below = false
    if (kids) for (const [k, child] of kids) if (walk(child, [...path, k])) below = true
    if (below) open.add(pathKey(path))
    return hit || below
  }
  walk(value, [])
  return { matches, open, truncated: visits > MAX_VISITS }
}

/** Parses `todos.2.done` or `items["a b"]` back into a path. */
export function parsePath(text: string): Path {
  const out: (string | number)[] = []
  const re = /\[("(?:[^"\\]|\\.)*")\]|([^.[\]]+)/g
  for (const m of text.trim().matchAll(re)) {
    if (m[1]) out.push(JSON.parse(m[1]) as string)
    else if (m[2]) out.push(/^\d+$/.test(m[2]) ? Number(m[2]) : m[2])
  }
  return out
}
