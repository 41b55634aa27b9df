/**
 * The one small SQL interface table projections use, the same on SQLite (better-sqlite3) and
 * PostgreSQL (pg). Placeholders are `?` on both; the PostgreSQL side numbers them (`$1`...) in
 * one place, `numberPlaceholders` below. Integers come back as numbers on both (PostgreSQL's
 * `bigint` and `numeric` are parsed), so a query answers the same rows whichever store runs it.
 */
export interface SqlDb {
  /** A statement that returns no rows (INSERT, UPDATE, DELETE, DDL); how many rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<{ changes: number }>
  /** Every row, as objects keyed by column name. */
  all<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>
  /** The first row, or undefined. */
  get<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R | undefined>
}

/** A piece of SQL text as the scanner sees it. */
export type Token =
  | { kind: 'word'; text: string; upper: string }
  | { kind: 'table'; text: string; name: string }
  | { kind: 'param'; text: string }
  | { kind: 'open' | 'close'; text: string }
  | { kind: 'other'; text: string }

/**
 * Splits SQL into words, `{table}` references, `?` placeholders, parentheses and the rest,
 * keeping string literals, quoted identifiers and comments whole (a `?` or `{` inside them is
 * text). Joining every token's `text` gives the input back.
 */
export function scan(sql: string): Token[] {
  const out: Token[] = []
  let i = 0
  const push = (kind: 'other' | 'open' | 'close' | 'param', end: number) => {
    out.push({ kind, text: sql.slice(i, end) })
    i = end
  }
  while (i < sql.length) {
    const c = sql[i]!
    if (c === "'" || c === '"') {
      let j = i + 1
      for (;;) {
        const k = sql.indexOf(c, j)
        if (k < 0) {
          j = sql.length
          break
        }
        // A doubled quote is an escaped one.
        if (sql[k + 1] === c) j = k + 2
        else {
          j = k + 1
          break
        }
      }
      push('other', j)
    } else if (c === '-' && sql[i + 1] === '-') {
      const k = sql.indexOf('\n', i)
      push('other', k < 0 ? sql.length : k)
    } else if (c === '/' && sql[i + 1] === '*') {
      const k = sql.indexOf('*/', i + 2)
      push('other', k < 0 ? sql.length : k + 2)
    } else if (c === '{') {
      const m = /^\{([a-z][a-z0-9_]*)\}/.exec(sql.slice(i))
      if (!m)
        throw new TypeError(
          `[strata] a table reference is {name}, received ${sql.slice(i, i + 20)}`,
        )
      out.push({ kind: 'table', text: m[0], name: m[1]! })
      i += m[0].length
    } else if (c === '?') push('param', i + 1)
    else if (c === '(') push('open', i + 1)
    else if (c === ')') push('close', i + 1)
    else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))!
      out.push({ kind: 'word', text: m[0], upper: m[0].toUpperCase() })
      i += m[0].length
    } else {
      let j = i + 1
      while (j < sql.length && !/['"\-/{?()A-Za-z_]/.test(sql[j]!)) j++
      push('other', j)
    }
  }
  return out
}

/** `?` placeholders as PostgreSQL's `$1`, `$2`, ... (text in literals and comments untouched). */
export function numberPlaceholders(sql: string): string {
  if (!sql.includes('?')) return sql
  let n = 0
  return scan(sql)
    .map((t) => (t.kind === 'param' ? `$${++n}` : t.text))
    .join('')
}

/** A string as an SQL literal: the same quoting on SQLite and PostgreSQL. */
export const literal = (text: string) => `'${text.replaceAll("'", "''")}'`
