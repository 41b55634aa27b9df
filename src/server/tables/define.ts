import type { ForgetContext } from '../erasure/scrub'
import type { Principal, ProjectedEvent } from '../types'
import { type TableMap, TENANT_COLUMN } from './scoped'
import { type SqlDb, scan } from './sql'

/** The query parameters of `GET /views/<name>?...`, one value each (the first). */
export type ViewParams = Record<string, string>

export interface TableProjectionOptions {
  /** `[a-z][a-z0-9_]*`, up to 30 characters: also the view's name, `GET /views/<name>`. */
  name: string
  /**
   * The version of `tables` and `apply`. A new version is built into new tables from the first
   * event in the background, and reads switch to it once it has caught up.
   */
  version: number
  /**
   * `inline` (default): applied inside the append's transaction, so its view is never behind
   * a committed event, and an `apply` that throws refuses the append. `async`: applied after
   * the append by one processor across every server process.
   */
  mode?: 'inline' | 'async'
  /**
   * `tenant` (default): each table gets a tenant column that `apply` fills and every query is
   * filtered by, so a view never sees another tenant's rows. `all`: no tenant column; the
   * view's `read` must pick what the caller may see.
   */
  scope?: 'tenant' | 'all'
  /**
   * Each table's columns and table constraints, as in `CREATE TABLE name (...)`, in SQL both
   * SQLite and PostgreSQL read (TEXT, BIGINT, DOUBLE PRECISION, BOOLEAN). Keys must be declared
   * in PRIMARY KEY (...) / UNIQUE (...) constraints, which gain the tenant column. Queries name
   * the tables `{cards}`.
   */
  tables: Record<string, string>
  /** Indexes per table, each a column list like `'column_id, title'` (the tenant goes first). */
  indexes?: Record<string, readonly string[]>
  /** Only these event types are applied; the position still moves past the others. */
  types?: readonly string[]
  /** Writes one event's rows through parameterized SQL (`?` placeholders, tables as `{name}`). */
  apply(event: ProjectedEvent, db: SqlDb): void | Promise<void>
  /**
   * The body of `GET /views/<name>?...`: SELECTs over the tables (the caller's tenant's rows
   * only), with the query parameters and the principal.
   */
  read?(db: SqlDb, params: ViewParams, principal: Principal): unknown
  /** Events applied per transaction when catching up or rebuilding. Default 500. */
  batchSize?: number
  /**
   * Scrubs a forgotten subject from the tables (the tenant's rows, as `apply` sees them): the
   * statements that make the rows what applying every event again would, the subject's fields
   * read as `{ erased: true }` (`UPDATE {cards} SET author = NULL WHERE author_id = ?`), in one
   * transaction after the key is deleted. A forget then costs the rows it touches; without it
   * the projection is rebuilt into new tables from the first event. `() => {}` says its tables
   * hold no personal field.
   */
  forget?(db: SqlDb, context: ForgetContext): void | Promise<void>
}

export interface TableProjection
  extends Required<Omit<TableProjectionOptions, 'read' | 'types' | 'forget'>> {
  readonly kind: 'table'
  types: readonly string[] | undefined
  read: TableProjectionOptions['read']
  forget: TableProjectionOptions['forget']
  /** The columns each table declares. */
  columns: ReadonlyMap<string, readonly string[]>
}

const NAME = /^[a-z][a-z0-9_]{0,29}$/
const CONSTRAINTS = new Set(['PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN', 'CONSTRAINT'])

/** The top-level comma-separated items of a column list. */
function items(ddl: string): string[] {
  const out: string[] = []
  let depth = 0
  let current = ''
  for (const t of scan(ddl)) {
    if (t.kind === 'open') depth++
    if (t.kind === 'close') depth--
    if (depth === 0 && t.kind === 'other' && t.text.includes(',')) {
      const [head, ...rest] = t.text.split(',')
      out.push(current + head)
      current = rest.join(',')
      for (let i = 0; i < rest.length - 1; i++) out.push('')
    } else current += t.text
  }
  out.push(current)
  return out.map((s) => s.trim()).filter(Boolean)
}

/**
 * A table projection: read models in SQL tables, applied inline in the append's transaction
 * or by an async processor with its position in the same transaction as its rows. For values
 * too big to fold whole; JSON projections stay for small ones.
 *
 * @example
 * tableProjection({
 *   name: 'cards', version: 1,
 *   tables: { cards: 'id TEXT NOT NULL, column_id TEXT NOT NULL, title TEXT NOT NULL, PRIMARY KEY (id)' },
 *   apply: (e, db) => db.run('INSERT INTO {cards} (id, column_id, title) VALUES (?, ?, ?)', [...]),
 *   read: (db, { column }) => db.all('SELECT id, title FROM {cards} WHERE column_id = ?', [column]),
 * })
 */
export function tableProjection(options: TableProjectionOptions): TableProjection {
  const { name, version } = options
  const where = `[strata] tableProjection ${JSON.stringify(name)}`
  if (!NAME.test(name))
    throw new TypeError(`${where}: the name must match ${NAME} (it names tables too)`)
  if (!Number.isSafeInteger(version) || version < 1)
    throw new TypeError(`${where}: version must be an integer of at least 1, received ${version}`)
  const columns = new Map<string, string[]>()
  for (const [table, ddl] of Object.entries(options.tables)) {
    if (!NAME.test(table)) throw new TypeError(`${where}: table name ${table} must match ${NAME}`)
    const list: string[] = []
    for (const item of items(ddl)) {
      const first = item.split(/\s/, 1)[0]!.toUpperCase()
      if (CONSTRAINTS.has(first)) continue
      if (/\b(PRIMARY\s+KEY|UNIQUE|REFERENCES)\b/i.test(item))
        throw new TypeError(
          `${where}: table ${table} declares a key on column ${JSON.stringify(item)}; declare it as a table constraint, PRIMARY KEY (...) or UNIQUE (...), so it is kept per tenant`,
        )
      list.push(item.split(/\s/, 1)[0]!)
    }
    if (list.includes(TENANT_COLUMN))
      throw new TypeError(`${where}: ${TENANT_COLUMN} is the tenant column's name`)
    columns.set(table, list)
  }
  if (!columns.size) throw new TypeError(`${where}: declare at least one table`)
  return {
    kind: 'table',
    name,
    version,
    mode: options.mode ?? 'inline',
    scope: options.scope ?? 'tenant',
    tables: options.tables,
    indexes: options.indexes ?? {},
    types: options.types,
    apply: options.apply,
    read: options.read,
    forget: options.forget,
    batchSize: options.batchSize ?? 500,
    columns,
  }
}

export const isTableProjection = (p: unknown): p is TableProjection =>
  (p as TableProjection | undefined)?.kind === 'table'

export interface Dialect {
  kind: 'sqlite' | 'postgres'
  /** Prefix of every projection table: `strata_tp_` or `<schema>.tp_`. */
  prefix: string
  /** The tenant column's default: the transaction's tenant. */
  tenantDefault: string
  /** The table of every projection's generations, positions and errors. */
  meta: string
  /** `' FOR UPDATE'` where rows can be locked (PostgreSQL), else ''. */
  forUpdate: string
}

/** The tables of one generation of a projection. */
export function tableMap(projection: TableProjection, generation: number, dialect: Dialect) {
  const real = new Map<string, string>()
  for (const table of projection.columns.keys())
    real.set(table, `${dialect.prefix}${projection.name}_g${generation}_${table}`)
  // SQLite: the store's tables are strata_*; PostgreSQL: they are in the store's schema.
  const schema = dialect.prefix.split('.', 1)[0]!
  const reserved = dialect.kind === 'sqlite' ? /^strata_/i : new RegExp(`^${schema}$`, 'i')
  return { real, columns: projection.columns, reserved } satisfies TableMap
}

/** CREATE TABLE / CREATE INDEX statements of one generation, idempotent. */
export function ddlOf(projection: TableProjection, map: TableMap, dialect: Dialect): string[] {
  const perTenant = projection.scope === 'tenant'
  const out: string[] = []
  for (const [table, ddl] of Object.entries(projection.tables)) {
    const real = map.real.get(table)!
    let body = ddl
    if (perTenant) {
      body = `${TENANT_COLUMN} TEXT NOT NULL DEFAULT ${dialect.tenantDefault}, ${ddl.replace(
        /\b(PRIMARY\s+KEY|UNIQUE)\s*\(/gi,
        (m) => `${m}${TENANT_COLUMN}, `,
      )}`
    }
    out.push(`CREATE TABLE IF NOT EXISTS ${real} (${body})`)
    const indexes = [...(projection.indexes[table] ?? [])]
    indexes.forEach((list, i) => {
      const cols = perTenant ? [TENANT_COLUMN, list].filter(Boolean).join(', ') : list
      const bare = real.slice(real.lastIndexOf('.') + 1)
      out.push(`CREATE INDEX IF NOT EXISTS ${bare}_i${i} ON ${real} (${cols})`)
    })
  }
  return out
}
