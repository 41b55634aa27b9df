import type { ForgetContext } from '../erasure/scrub'
import { hookFailed } from '../erasure/scrub'
import type { Storage } from '../types'
import { type TableProjection, tableMap } from './define'
import { requestTenantRebuild } from './held'
import { holdOf, saveHold } from './holds'
import { type Generation, generations, saveProgress } from './meta'
import { scopedDb } from './scoped'
import type { TableTx } from './storage'

/**
 * After a forget's transaction: each table projection with a `forget` hook runs it on the tables
 * of its generations of this version (the live one, one being built), for the tenant (a
 * generation of another version has the tenant's rows deleted and rebuilt instead), all in one
 * write transaction that locks their rows as a batch and an inline append do. A batch that read
 * events before the key went has committed first (its rows are scrubbed here) or reads them
 * after, erased. Its cost is what the hook's statements touch, not the history's length.
 *
 * A projection per tenant without a hook (or whose hook threw: its transaction rolled back, the
 * error reported to `onError`) has the tenant's rows rebuilt from the tenant's events (holds.ts)
 * in each generation, the live one while another is built too, which no other tenant sees.
 * Returns those over all tenants that must be rebuilt whole instead, into new tables (without a
 * hook, or with another version's generation); `kick` starts the work at once.
 */
export async function scrubTables(
  storage: Storage,
  projections: readonly TableProjection[],
  context: ForgetContext,
  onError: (error: unknown) => void,
  kick: (name: string) => void = () => {},
): Promise<string[]> {
  const rebuild: string[] = []
  const tables = storage.tables
  if (!tables) return []
  await clearFailures(storage, projections, context.tenant)
  const { tenant } = context
  for (const projection of projections) {
    const perTenant = projection.scope === 'tenant'
    const forget = projection.forget
    /** The generations that hold rows, locked; and the tenant's rows rebuilt in them. */
    const gensOf = async (tx: TableTx) =>
      (await generations(tx.db, tx.dialect, projection.name, true)).filter(
        (g) => g.status === 'live' || g.status === 'building',
      )
    const rebuildTenant = async (tx: TableTx, gens: readonly Generation[]) => {
      await requestTenantRebuild(tx, gens, tenant, projection.version)
      return 'tenant' as const
    }
    try {
      const outcome = await tables.write(async (tx) => {
        const gens = await gensOf(tx)
        // Another version's generation (the old one live while this one is built): this code
        // can neither run its hook (it is written for this version's tables) nor apply it.
        const own = gens.filter((g) => g.version === projection.version)
        const foreign = gens.filter((g) => g.version !== projection.version)
        if (!perTenant && (!forget || foreign.length)) return 'all' as const
        // A rebuild under way read the subject's fields: it starts again.
        if (perTenant && (!forget || (await rebuildsOf(tx, own, tenant))))
          return rebuildTenant(tx, gens)
        // Its tenant's rows go at once; a process of that version rebuilds them (held.ts).
        if (foreign.length) await rebuildTenant(tx, foreign)
        if (perTenant) await tx.setTenant(tenant)
        for (const gen of own) {
          const map = tableMap(projection, gen.generation, tx.dialect)
          // A rebuild the CLI asked for may have no tables yet: nothing in them to scrub.
          if (gen.position === 0) continue
          await forget!(scopedDb(tx.db, map, perTenant ? tenant : undefined, false), context)
        }
        return foreign.length ? ('tenant' as const) : ('scrubbed' as const)
      })
      if (outcome === 'all') rebuild.push(projection.name)
      if (outcome === 'tenant') kick(projection.name)
    } catch (cause) {
      onError(hookFailed('table projection', projection.name, context.subject, cause))
      if (!perTenant) rebuild.push(projection.name)
      else {
        await tables.write(async (tx) => rebuildTenant(tx, await gensOf(tx)))
        kick(projection.name)
      }
    }
  }
  return rebuild
}

async function rebuildsOf(tx: TableTx, gens: readonly Generation[], tenant: string) {
  for (const gen of gens)
    if ((await holdOf(tx.db, tx.dialect, gen, tenant))?.kind === 'rebuild') return true
  return false
}

/**
 * A generation (or a tenant of it) stopped at an event of the tenant keeps the error it threw,
 * whose message may quote the subject's fields (the status endpoint serves it, the meta table
 * stores it): cleared, so the runner applies that event again, erased now, and records what it
 * says then.
 */
async function clearFailures(
  storage: Storage,
  projections: readonly TableProjection[],
  tenant: string,
): Promise<void> {
  const names = new Set(projections.map((p) => p.name))
  if (!storage.tables || !names.size) return
  await storage.tables.write(async (tx) => {
    for (const gen of await generations(tx.db, tx.dialect, undefined, true)) {
      if (!names.has(gen.name)) continue
      if (gen.error?.tenant === tenant)
        await saveProgress(tx.db, tx.dialect, gen, gen.position, null)
      const hold = await holdOf(tx.db, tx.dialect, gen, tenant)
      if (hold?.error) await saveHold(tx.db, tx.dialect, gen, { ...hold, error: null })
    }
  })
}
