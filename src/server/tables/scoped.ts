import { literal, type SqlDb, scan, type Token } from './sql'

/** The column every table of a projection per tenant has, filled and filtered here. */
export const TENANT_COLUMN = 'strata_tenant'

/** How one generation's declared tables (`{cards}`) map to the tables in the database. */
export interface TableMap {
  /** Real (possibly schema-qualified) name of each declared table. */
  real: ReadonlyMap<string, string>
  /** The declared columns of each table: what a tenant's view of it shows. */
  columns: ReadonlyMap<string, readonly string[]>
  /**
   * Names a view may not use: the store's own tables (events of every tenant, other
   * projections' rows), by their prefix on SQLite or their schema on PostgreSQL.
   */
  reserved?: RegExp
}

// Words that may follow a table reference where no alias was written.
const NOT_ALIAS = new Set(
  'WHERE JOIN INNER LEFT RIGHT FULL CROSS NATURAL ON USING GROUP ORDER LIMIT OFFSET UNION INTERSECT EXCEPT HAVING WINDOW RETURNING SET VALUES DEFAULT SELECT FROM DO FOR WITH'.split(
    ' ',
  ),
)

const nextSignificant = (tokens: readonly Token[], from: number) => {
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind === 'other' && !t.text.trim()) continue
    return t
  }
  return undefined
}

/** Index of the first top-level (outside parentheses) word `word` at or after `from`, or -1. */
function topLevel(tokens: readonly Token[], from: number, word: string): number {
  let depth = 0
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind === 'open') depth++
    else if (t.kind === 'close') depth--
    else if (depth === 0 && t.kind === 'word' && t.upper === word) return i
  }
  return -1
}

/**
 * Rewrites a statement's `{table}` references for one tenant (or, tenant undefined, for a
 * projection over all tenants, which only renames). For a tenant:
 * - the target of INSERT INTO / UPDATE / DELETE FROM is the real table; its tenant column is
 *   filled by its default (the transaction's tenant), `ON CONFLICT (cols)` gains the tenant
 *   column, and UPDATE and DELETE only touch the tenant's rows;
 * - every other reference reads `(SELECT <declared columns> FROM real WHERE tenant = ...)`, so a
 *   query never sees another tenant's rows, nor the tenant column.
 * `readOnly` refuses statements other than SELECT, and names of the real tables.
 */
export function rewrite(
  sql: string,
  map: TableMap,
  tenant: string | undefined,
  readOnly: boolean,
): string {
  const tokens = scan(sql)
  const first = tokens.find((t) => t.kind === 'word')
  const kind = first?.kind === 'word' ? first.upper : ''
  if (readOnly) {
    if (kind !== 'SELECT' && kind !== 'WITH')
      throw new TypeError(`[strata] a view reads with SELECT only, received ${sql.slice(0, 60)}`)
    const raw = tokens.find(
      (t) =>
        t.kind === 'word' &&
        t.text !== TENANT_COLUMN &&
        (map.reserved?.test(t.text) || /^(strata_)?tp_[a-z0-9_]*_g\d+r?_/i.test(t.text)),
    )
    if (raw)
      throw new TypeError(
        `[strata] a view names its tables as {name}, and no table of the store (${raw.text}): that is what keeps it to its tenant`,
      )
  }
  const realOf = (name: string) => {
    const real = map.real.get(name)
    if (!real) {
      const known = [...map.real.keys()].map((k) => `{${k}}`).join(', ')
      throw new TypeError(`[strata] no table {${name}} in this projection; it has ${known}`)
    }
    return real
  }
  const after = kind === 'INSERT' ? 'INTO' : kind === 'UPDATE' ? 'UPDATE' : 'FROM'
  let target = -1
  if (!readOnly && (kind === 'INSERT' || kind === 'UPDATE' || kind === 'DELETE')) {
    const at = tokens.findIndex((t) => t.kind === 'word' && t.upper === after)
    target = tokens.findIndex((t, i) => i > at && t.kind === 'table')
  }
  const text = tokens.map((t) => t.text)
  tokens.forEach((t, i) => {
    if (t.kind !== 'table') return
    const real = realOf(t.name)
    if (tenant === undefined || i === target) {
      text[i] = real
      return
    }
    const columns = map.columns.get(t.name)!.join(', ')
    const next = nextSignificant(tokens, i + 1)
    const aliased = next?.kind === 'word' && !NOT_ALIAS.has(next.upper)
    text[i] =
      `(SELECT ${columns} FROM ${real} WHERE ${TENANT_COLUMN} = ${literal(tenant)})${aliased ? '' : ` AS ${t.name}`}`
  })
  if (tenant !== undefined && target >= 0) {
    const own = `${TENANT_COLUMN} = ${literal(tenant)}`
    if (kind === 'INSERT') {
      const conflict = topLevel(tokens, target, 'CONFLICT')
      const open = tokens.findIndex((t, i) => i > conflict && t.kind === 'open')
      if (conflict >= 0 && open >= 0 && nextSignificant(tokens, conflict + 1) === tokens[open])
        text[open] = `(${TENANT_COLUMN}, `
    } else {
      const where = topLevel(tokens, target, 'WHERE')
      const returning = topLevel(tokens, Math.max(where, target), 'RETURNING')
      const end = returning >= 0 ? returning : trailingEnd(tokens)
      if (where >= 0) {
        text[where] = `WHERE ${own} AND (`
        text[end - 1] = `${text[end - 1]})`
      } else text[end - 1] = `${text[end - 1]} WHERE ${own}`
    }
  }
  return text.join('')
}

/** Index after the last token that is not whitespace or a semicolon. */
function trailingEnd(tokens: readonly Token[]): number {
  let end = tokens.length
  while (end > 0 && tokens[end - 1]!.kind === 'other' && /^[\s;]*$/.test(tokens[end - 1]!.text))
    end--
  return end
}

/** Rewritten statements per table map, by scope and text: a statement is rewritten once. */
const caches = new WeakMap<TableMap, Map<string, string>>()

/**
 * A `SqlDb` over one generation's tables for one tenant (or all tenants): what `apply` and a
 * view's `read` are handed.
 */
export function scopedDb(
  raw: SqlDb,
  map: TableMap,
  tenant: string | undefined,
  readOnly: boolean,
): SqlDb {
  let cache = caches.get(map)
  if (!cache) {
    cache = new Map()
    caches.set(map, cache)
  }
  const prefix = `${readOnly ? 'r' : 'w'}${tenant === undefined ? '*' : `t${tenant}`}\u0000`
  const to = (sql: string) => {
    const key = prefix + sql
    let text = cache.get(key)
    if (text === undefined) {
      // Texts embed a tenant, so their number grows with tenants: keep the cache bounded.
      if (cache.size >= 5000) cache.clear()
      text = rewrite(sql, map, tenant, readOnly)
      cache.set(key, text)
    }
    return text
  }
  return {
    run: (sql, params) => {
      if (readOnly) to(sql)
      return raw.run(to(sql), params)
    },
    all: (sql, params) => raw.all(to(sql), params),
    get: (sql, params) => raw.get(to(sql), params),
  }
}
