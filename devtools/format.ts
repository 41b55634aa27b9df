/** One-line previews of values for rows and tree nodes. */
export function preview(value: unknown, max = 80): string {
  return clip(describe(value, 2), max)
}

function clip(text: string, max: number) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function describe(value: unknown, depth: number): string {
  if (value === undefined) return 'undefined'
  if (value === null) return 'null'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'function') return `ƒ ${value.name || 'anonymous'}()`
  if (typeof value === 'symbol') return value.toString()
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  if (value instanceof Map) return `Map(${value.size})`
  if (value instanceof Set) return `Set(${value.size})`
  if (Array.isArray(value)) {
    if (depth === 0) return `[…${value.length}]`
    const items = value.slice(0, 5).map((v) => describe(v, depth - 1))
    return `[${items.join(', ')}${value.length > 5 ? `, …+${value.length - 5}` : ''}]`
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value)
    if (depth === 0) return keys.length ? '{…}' : '{}'
    const parts = keys
      .slice(0, 4)
      .map((k) => `${k}: ${describe((value as Record<string, unknown>)[k], depth - 1)}`)
    return `{${parts.join(', ')}${keys.length > 4 ? ', …' : ''}}`
  }
  return String(value)
}

/** What a tree node shows after its key: the value, or a summary of a container. */
export function summary(value: unknown): { text: string; kind: string } {
  if (value === null) return { text: 'null', kind: 'null' }
  if (Array.isArray(value)) return { text: `Array(${value.length})`, kind: 'summary' }
  if (value instanceof Map) return { text: `Map(${value.size})`, kind: 'summary' }
  if (value instanceof Set) return { text: `Set(${value.size})`, kind: 'summary' }
  if (value instanceof Date) return { text: preview(value), kind: 'string' }
  if (typeof value === 'object') {
    const n = Object.keys(value).length
    return { text: `{${n} ${n === 1 ? 'key' : 'keys'}}`, kind: 'summary' }
  }
  return { text: preview(value, 200), kind: typeof value }
}

/** The children of a container, as [key, value] pairs; undefined for leaves. */
export function childrenOf(value: unknown): [string | number, unknown][] | undefined {
  if (typeof value !== 'object' || value === null || value instanceof Date) return undefined
  if (Array.isArray(value)) return value.map((v, i) => [i, v])
  if (value instanceof Map)
    return [...value].map(([k, v]) => [typeof k === 'number' ? k : String(k), v])
  if (value instanceof Set) return [...value].map((v, i) => [i, v])
  return Object.keys(value).map((k) => [k, (value as Record<string, unknown>)[k]])
}

export function formatTime(at: number): string {
  const d = new Date(at)
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

const numbers = new Intl.NumberFormat('en-US')
export const formatCount = (n: number) => numbers.format(n)

/** JSON for the clipboard; values JSON cannot hold are described rather than dropped. */
export function toJson(value: unknown): string {
  try {
    return (
      JSON.stringify(
        value,
        (_k, v) =>
          v instanceof Map
            ? Object.fromEntries(v)
            : v instanceof Set
              ? [...v]
              : typeof v === 'bigint'
                ? `${v}n`
                : v,
        2,
      ) ?? 'undefined'
    )
  } catch {
    return String(value)
  }
}
