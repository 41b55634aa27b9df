import type { Dialect } from './define'
import type { Failure, Generation } from './meta'
import type { SqlDb } from './sql'

/**
 * One tenant of a generation of a projection per tenant that is not where the generation is:
 *
 * - `stopped`: its `apply` threw on one of the tenant's events. The tenant's rows stand at
 *   `position` (a tenant position: every event of the tenant up to it is applied); the
 *   generation goes on past its events for the other tenants, and this tenant's are applied
 *   from here when it is tried again (`error` null: at once). A bad event of one tenant stops
 *   that tenant only, as a JSON projection per tenant is folded per tenant.
 * - `rebuild`: a forget asked for the tenant's rows without the subject's fields. They are
 *   filled again from the tenant's first event into shadow tables beside the generation's, up
 *   to `position`, while the generation keeps the tenant's own rows current; once caught up,
 *   the shadow rows replace them in one transaction. Only the tenant's rows are touched, and
 *   the other tenants see nothing of it.
 */
export interface Hold {
  tenant: string
  kind: 'stopped' | 'rebuild'
  position: number
  error: Failure | null
}

const holdsTable = (dialect: Dialect) => `${dialect.meta}_tenants`

export function holdsDdl(dialect: Dialect): string {
  return `CREATE TABLE IF NOT EXISTS ${holdsTable(dialect)} (
  name TEXT NOT NULL,
  generation BIGINT NOT NULL,
  tenant TEXT NOT NULL,
  kind TEXT NOT NULL,
  position BIGINT NOT NULL,
  error TEXT,
  PRIMARY KEY (name, generation, tenant))`
}

const toHold = (row: any): Hold => ({
  tenant: row.tenant,
  kind: row.kind,
  position: Number(row.position),
  error: row.error ? JSON.parse(row.error) : null,
})

/** The tenants held back in a generation (few: none while every `apply` works). */
export async function holdsOf(db: SqlDb, dialect: Dialect, gen: Generation): Promise<Hold[]> {
  const rows = await db.all(
    `SELECT * FROM ${holdsTable(dialect)} WHERE name = ? AND generation = ? ORDER BY tenant`,
    [gen.name, gen.generation],
  )
  return rows.map(toHold)
}

/** One tenant's hold in a generation, if it has one. */
export async function holdOf(
  db: SqlDb,
  dialect: Dialect,
  gen: Generation,
  tenant: string,
): Promise<Hold | undefined> {
  const row = await db.get(
    `SELECT * FROM ${holdsTable(dialect)} WHERE name = ? AND generation = ? AND tenant = ?`,
    [gen.name, gen.generation, tenant],
  )
  return row && toHold(row)
}

export async function saveHold(
  db: SqlDb,
  dialect: Dialect,
  gen: Generation,
  hold: Hold,
): Promise<void> {
  await db.run(
    `INSERT INTO ${holdsTable(dialect)} (name, generation, tenant, kind, position, error) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (name, generation, tenant) DO UPDATE SET kind = excluded.kind, position = excluded.position, error = excluded.error`,
    [
      gen.name,
      gen.generation,
      hold.tenant,
      hold.kind,
      hold.position,
      hold.error && JSON.stringify(hold.error),
    ],
  )
}

/** Drops one tenant's hold, or (tenant undefined) every hold of the generation. */
export async function dropHold(
  db: SqlDb,
  dialect: Dialect,
  gen: Generation,
  tenant?: string,
): Promise<void> {
  await db.run(
    `DELETE FROM ${holdsTable(dialect)} WHERE name = ? AND generation = ?${tenant === undefined ? '' : ' AND tenant = ?'}`,
    tenant === undefined ? [gen.name, gen.generation] : [gen.name, gen.generation, tenant],
  )
}

/** The shadow table a tenant's rebuild fills beside a real one (`..._g3_cards` -> `..._g3r_cards`). */
export const shadowOf = (gen: Pick<Generation, 'name' | 'generation'>, real: string) =>
  real.replace(`${gen.name}_g${gen.generation}_`, `${gen.name}_g${gen.generation}r_`)
