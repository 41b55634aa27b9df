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
 * of its generations of this version (the live one, one being built), for the tenant, all in one
 * write transaction that locks their rows as a batch and an inline append do. A batch that read
 * events before the key went has committed first (its rows are scrubbed here) or reads them
 * after, erased. Its cost is what the hook's statements touch, not the history's length.
 *
 * A projection per tenant without a hook (or with a generation of another version, or whose hook
 * threw: its transaction rolled back, the error reported to `onError`) has the tenant's rows
 * rebuilt from the tenant's events (holds.ts), which no other tenant sees. Returns those over all
 * tenants that must be rebuilt whole instead, into new tables; `kick` starts the work at once.
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
      await requestTenantRebuild(tx, gens, tenant)
      return 'tenant' as const
    }
    try {
      const outcome = await tables.write(async (tx) => {
        const gens = await gensOf(tx)
        // A rebuild under way read the subject's fields: it starts again.
        const rebuilding = perTenant && (await rebuildsOf(tx, gens, tenant))
        const hookless = !forget || gens.some((g) => g.version !== projection.version)
        if (rebuilding || hookless) return perTenant ? rebuildTenant(tx, gens) : ('all' as const)
        if (perTenant) await tx.setTenant(tenant)
        for (const gen of gens) {
          const map = tableMap(projection, gen.generation, tx.dialect)
          // A rebuild the CLI asked for may have no tables yet: nothing in them to scrub.
          if (gen.position === 0) continue
          await forget!(scopedDb(tx.db, map, perTenant ? tenant : undefined, false), context)
        }
        return 'scrubbed' as const
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
