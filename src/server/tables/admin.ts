import type { Storage } from '../types'
import { dropHold, type Hold, holdsDdl, holdsOf } from './holds'
import { addGeneration, type Generation, generations, metaDdl, saveProgress } from './meta'

/** One generation of a table projection as an operator sees it (`strata-server projections`). */
export interface ProjectionReport extends Generation {
  /** Events of the store not applied yet: the global head minus its position. */
  lag: number
  /** Tenants stopped at an event of theirs, or whose rows are rebuilt after a forget. */
  tenants: Hold[]
}

const tablesOf = (storage: Storage) => {
  if (!storage.tables) throw new Error(`${storage.kind} storage has no table projections`)
  return storage.tables
}

/** Every table projection's generations with their version, position and lag. */
export async function reportProjections(storage: Storage): Promise<ProjectionReport[]> {
  const tables = tablesOf(storage)
  const list = await tables.write(async (tx) => {
    await tx.db.run(metaDdl(tx.dialect))
    await tx.db.run(holdsDdl(tx.dialect))
    const gens = await generations(tx.db, tx.dialect)
    return Promise.all(
      gens.map(async (g) => ({ ...g, tenants: await holdsOf(tx.db, tx.dialect, g) })),
    )
  })
  const head = await storage.head()
  return list.map((g) => ({ ...g, lag: Math.max(0, head - g.position) }))
}

/**
 * Asks for a rebuild of a projection's live version into new tables, from the first event
 * (`strata-server projections rebuild NAME`): the server running the projection builds it in
 * the background while the live generation answers, switches reads when it has caught up, and
 * drops the old tables. A rebuild already asked for is returned as it is. Also how read models
 * are scrubbed after an erasure: the rebuild applies the events as they read now.
 */
export async function requestRebuild(
  storage: Storage,
  name: string,
  options: { restart?: boolean } = {},
): Promise<Generation> {
  return tablesOf(storage).write(async (tx) => {
    await tx.db.run(metaDdl(tx.dialect))
    const gens = await generations(tx.db, tx.dialect, name, true)
    const building = gens.find((g) => g.status === 'building')
    // After a forget (`restart`): the rows it built so far read the subject's fields, and would
    // go live with them. Its tables go; it starts again from the first event (made at 0).
    if (building && options.restart && building.position > 0) {
      for (const table of building.tables) await tx.db.run(`DROP TABLE IF EXISTS ${table}`)
      await dropHold(tx.db, tx.dialect, building)
      await saveProgress(tx.db, tx.dialect, building, 0, null)
      return { ...building, position: 0, error: null }
    }
    if (building) return building
    const live = gens.find((g) => g.status === 'live')
    if (!live) {
      const known = [...new Set((await generations(tx.db, tx.dialect)).map((g) => g.name))]
      throw new Error(
        `No table projection named ${JSON.stringify(name)}; this store has ${known.join(', ') || 'none'}`,
      )
    }
    return addGeneration(tx.db, tx.dialect, name, live.version, (generation) =>
      live.tables.map((t) => t.replace(`${name}_g${live.generation}_`, `${name}_g${generation}_`)),
    )
  })
}
