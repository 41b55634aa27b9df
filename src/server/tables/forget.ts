import type { ForgetContext } from '../erasure/scrub'
import { hookFailed } from '../erasure/scrub'
import type { Storage } from '../types'
import { type TableProjection, tableMap } from './define'
import { generations, saveProgress } from './meta'
import { scopedDb } from './scoped'

/**
 * After a forget's transaction: each table projection with a `forget` hook runs it on the tables
 * of its generations of this version (the live one, one being built), for the tenant, all in one
 * write transaction that locks their rows as a batch and an inline append do. A batch that read
 * events before the key went has committed first (its rows are scrubbed here) or reads them
 * after, erased. Its cost is what the hook's statements touch, not the history's length.
 *
 * Returns the projections to rebuild from the events instead: those without a hook, with a
 * generation of another version, or whose hook threw (its transaction rolled back, the error
 * reported to `onError`; the key is deleted all the same).
 */
export async function scrubTables(
  storage: Storage,
  projections: readonly TableProjection[],
  context: ForgetContext,
  onError: (error: unknown) => void,
): Promise<string[]> {
  const rebuild: string[] = []
  await clearFailures(storage, projections, context.tenant)
  for (const projection of projections) {
    if (!projection.forget || !storage.tables) {
      rebuild.push(projection.name)
      continue
    }
    const forget = projection.forget
    try {
      const scrubbed = await storage.tables.write(async (tx) => {
        const gens = (await generations(tx.db, tx.dialect, projection.name, true)).filter(
          (g) => g.status === 'live' || g.status === 'building',
        )
        if (gens.some((g) => g.version !== projection.version)) return false
        const perTenant = projection.scope === 'tenant'
        if (perTenant) await tx.setTenant(context.tenant)
        for (const gen of gens) {
          const map = tableMap(projection, gen.generation, tx.dialect)
          // A rebuild the CLI asked for may have no tables yet: nothing in them to scrub.
          if (gen.position === 0) continue
          await forget(scopedDb(tx.db, map, perTenant ? context.tenant : undefined, false), context)
        }
        return true
      })
      if (!scrubbed) rebuild.push(projection.name)
    } catch (cause) {
      onError(hookFailed('table projection', projection.name, context.subject, cause))
      rebuild.push(projection.name)
    }
  }
  return rebuild
}

/**
 * A generation stopped at an event of the tenant keeps the error it threw, whose message may
 * quote the subject's fields (the status endpoint serves it, the meta table stores it): cleared,
 * so the runner applies that event again, erased now, and records what it says then.
 */
async function clearFailures(
  storage: Storage,
  projections: readonly TableProjection[],
  tenant: string,
): Promise<void> {
  const names = new Set(projections.map((p) => p.name))
  if (!storage.tables || !names.size) return
  await storage.tables.write(async (tx) => {
    for (const gen of await generations(tx.db, tx.dialect, undefined, true))
      if (names.has(gen.name) && gen.error?.tenant === tenant)
        await saveProgress(tx.db, tx.dialect, gen, gen.position, null)
  })
}
