import { StrataWireError } from '../../protocol'
import type { StorageTx, StoredEvent } from '../types'
import { ApplyFailure, applyEvents } from './apply'
import type { TableProjection } from './define'
import { stoppedTenants, unheld } from './held'
import { generations, saveProgress } from './meta'
import type { TableMap } from './scoped'

/**
 * Inline table projections apply the append's new events inside its transaction, to their live
 * generation, so a view is never behind a committed event. A live generation a little behind
 * (it went live while this append waited for the lock) first applies what it missed, still
 * inside the transaction. One being built, or failed, is left to the background runner, and so
 * are the events of a tenant stopped at an event of its own (a rebuild that failed on it).
 *
 * An `apply` that throws refuses the append: nothing of the batch is stored, and the error names
 * the projection and the event (by its tenant position, id and type).
 */
export async function applyTablesInline(
  tx: StorageTx,
  projections: readonly TableProjection[],
  mapOf: (projection: TableProjection, generation: number) => TableMap,
  inserts: readonly StoredEvent[],
  head: number,
): Promise<void> {
  const tables = tx.tables
  if (!tables || !inserts.length) return
  for (const projection of projections) {
    const gens = await generations(tables.db, tables.dialect, projection.name, true)
    const live = gens.find((g) => g.status === 'live')
    if (!live || live.version !== projection.version || live.error) continue
    const map = mapOf(projection, live.generation)
    const stopped =
      projection.scope === 'tenant' ? await stoppedTenants(tables, live) : new Set<string>()
    let position = live.position
    try {
      while (position < head) {
        const missed = await tables.readEvents(position, projection.batchSize)
        const before = missed.filter((e) => e.position <= head)
        if (!before.length) break
        await applyEvents(tables, projection, map, unheld(before, stopped))
        position = before.at(-1)!.position
      }
    } catch (cause) {
      // Another tenant's event, maybe: name the projection only.
      throw new StrataWireError(
        'internal',
        `Table projection ${JSON.stringify(projection.name)} failed on an earlier event while catching up; see the server log`,
        { cause, details: { projection: projection.name } },
      )
    }
    try {
      await applyEvents(tables, projection, map, unheld(inserts, stopped))
    } catch (error) {
      if (!(error instanceof ApplyFailure)) throw error
      const { event } = error
      throw new StrataWireError(
        'internal',
        `Table projection ${JSON.stringify(projection.name)} failed on event ${event.tenantPosition} (${event.type} ${JSON.stringify(event.id)}): ${error.message}. Nothing of this batch was stored`,
        {
          cause: error.cause,
          details: {
            projection: projection.name,
            event: { id: event.id, type: event.type, position: event.tenantPosition },
          },
        },
      )
    }
    await saveProgress(tables.db, tables.dialect, live, inserts.at(-1)!.position, null)
  }
}
