import type { Dialect, TableProjection } from './define'
import { ddlOf, tableMap } from './define'
import { dropHold, shadowOf } from './holds'
import type { SqlDb } from './sql'
import type { TableTx } from './storage'

/** Where an async projection stopped: the event its `apply` threw on. */
export interface Failure {
  message: string
  /** Global position of the event (internal: never sent to a client). */
  position: number
  tenant: string
  tenantPosition: number
  id: string
  type: string
  /** The event's stream: its error is told only to readers of it (absent in older records). */
  stream?: string
}

/**
 * One build of a projection into its own tables. A projection has at most one `live`
 * generation (the one views read) and one `building` (a new version or a rebuild, filled from
 * the first event in the background); a `retired` one is waiting for its tables to be dropped.
 */
export interface Generation {
  name: string
  generation: number
  version: number
  /** Every event up to this global position is applied. */
  position: number
  status: 'building' | 'live' | 'retired'
  error: Failure | null
  /** Its real tables, so they can be dropped without the projection's code (the CLI). */
  tables: string[]
}

export function metaDdl(dialect: Dialect): string {
  return `CREATE TABLE IF NOT EXISTS ${dialect.meta} (
  name TEXT NOT NULL,
  generation BIGINT NOT NULL,
  version BIGINT NOT NULL,
  position BIGINT NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  tables TEXT NOT NULL,
  PRIMARY KEY (name, generation))`
}

const toGeneration = (row: any): Generation => ({
  name: row.name,
  generation: Number(row.generation),
  version: Number(row.version),
  position: Number(row.position),
  status: row.status,
  error: row.error ? JSON.parse(row.error) : null,
  tables: JSON.parse(row.tables),
})

/** The generations of one projection (or of all), oldest first; `lock` locks their rows. */
export async function generations(
  db: SqlDb,
  dialect: Dialect,
  name?: string,
  lock = false,
): Promise<Generation[]> {
  const where = name === undefined ? '' : ' WHERE name = ?'
  const rows = await db.all(
    `SELECT * FROM ${dialect.meta}${where} ORDER BY name, generation${lock ? dialect.forUpdate : ''}`,
    name === undefined ? [] : [name],
  )
  return rows.map(toGeneration)
}

export async function saveProgress(
  db: SqlDb,
  dialect: Dialect,
  gen: Generation,
  position: number,
  error: Failure | null,
): Promise<void> {
  await db.run(
    `UPDATE ${dialect.meta} SET position = ?, error = ? WHERE name = ? AND generation = ?`,
    [position, error && JSON.stringify(error), gen.name, gen.generation],
  )
}

export async function setStatus(
  db: SqlDb,
  dialect: Dialect,
  gen: Generation,
  status: Generation['status'],
): Promise<void> {
  await db.run(`UPDATE ${dialect.meta} SET status = ? WHERE name = ? AND generation = ?`, [
    status,
    gen.name,
    gen.generation,
  ])
}

/** Adds a generation to build; its tables are made by the server that builds it. */
export async function addGeneration(
  db: SqlDb,
  dialect: Dialect,
  name: string,
  version: number,
  tables: (generation: number) => string[],
  status: 'building' | 'live' = 'building',
): Promise<Generation> {
  const row = await db.get<{ last: number | null }>(
    `SELECT max(generation) AS last FROM ${dialect.meta} WHERE name = ?`,
    [name],
  )
  const generation = Number(row?.last ?? 0) + 1
  const gen: Generation = {
    name,
    generation,
    version,
    position: 0,
    status,
    error: null,
    tables: tables(generation),
  }
  await db.run(
    `INSERT INTO ${dialect.meta} (name, generation, version, position, status, error, tables) VALUES (?, ?, ?, 0, ?, NULL, ?)`,
    [name, generation, version, status, JSON.stringify(gen.tables)],
  )
  return gen
}

/** Drops a retired generation's tables (and the shadows of tenants' rebuilds) and forgets it. */
export async function dropGeneration(db: SqlDb, dialect: Dialect, gen: Generation): Promise<void> {
  for (const table of gen.tables) {
    await db.run(`DROP TABLE IF EXISTS ${table}`)
    await db.run(`DROP TABLE IF EXISTS ${shadowOf(gen, table)}`)
  }
  await dropHold(db, dialect, gen)
  await db.run(`DELETE FROM ${dialect.meta} WHERE name = ? AND generation = ?`, [
    gen.name,
    gen.generation,
  ])
}

/**
 * At start: makes sure this code's version of the projection has a generation, live or being
 * built, and its tables. The first generation of an empty store is live at once; otherwise a
 * new version is built beside the live one. A generation of a newer version than this code's
 * is left alone (a process of an older release during a rolling deploy): `false` then.
 */
export async function prepare(
  tx: TableTx,
  projection: TableProjection,
  empty: boolean,
): Promise<boolean> {
  const { db, dialect } = tx
  const gens = await generations(db, dialect, projection.name, true)
  const live = gens.find((g) => g.status === 'live')
  if (live && live.version > projection.version) return false
  let own = gens.find((g) => g.status !== 'retired' && g.version === projection.version)
  for (const g of gens) {
    // A build of another version that never went live is of no use now.
    if (g.status === 'building' && g !== own) await dropGeneration(db, dialect, g)
  }
  if (!own) {
    const names = (generation: number) => [
      ...tableMap(projection, generation, dialect).real.values(),
    ]
    own = await addGeneration(
      db,
      dialect,
      projection.name,
      projection.version,
      names,
      live || !empty ? 'building' : 'live',
    )
  }
  for (const statement of ddlOf(projection, tableMap(projection, own.generation, dialect), dialect))
    await db.run(statement)
  return true
}
