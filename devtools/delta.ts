import { create, type Delta } from 'jsondiffpatch'

export interface Change {
  path: (string | number)[]
  kind: 'added' | 'removed' | 'changed' | 'moved'
  before?: unknown
  after?: unknown
}

/** Items of arrays are matched by their `id` (or `key`), so a removal is not a cascade of edits. */
const differ = create({
  objectHash: (item: object, index?: number) => {
    const o = item as { id?: unknown; key?: unknown; _id?: unknown }
    const id = o.id ?? o._id ?? o.key
    return id === undefined ? `$$index:${index}` : String(id)
  },
  arrays: { detectMove: true, includeValueOnMove: false },
})

export function diffStates(left: unknown, right: unknown): Delta {
  return differ.diff(left, right)
}

/** jsondiffpatch's delta as a flat list of changes, in a stable order, at most `limit`. */
export function changesOf(delta: Delta, limit = 500): Change[] {
  const out: Change[] = []
  const walk = (d: unknown, path: (string | number)[]) => {
    if (out.length >= limit || d === undefined) return
    if (Array.isArray(d)) {
      if (d.length === 1) out.push({ path, kind: 'added', after: d[0] })
      else if (d.length === 2) out.push({ path, kind: 'changed', before: d[0], after: d[1] })
      else if (d[2] === 0) out.push({ path, kind: 'removed', before: d[0] })
      else if (d[2] === 3) out.push({ path, kind: 'moved', after: `to index ${d[1]}` })
      else out.push({ path, kind: 'changed', after: d[0] })
      return
    }
    if (typeof d !== 'object' || d === null) return
    const obj = d as Record<string, unknown>
    const isArray = obj._t === 'a'
    for (const key of Object.keys(obj)) {
      if (isArray && key === '_t') continue
      const step = isArray ? Number(key.startsWith('_') ? key.slice(1) : key) : key
      walk(obj[key], [...path, step])
    }
  }
  walk(delta, [])
  return out
}
