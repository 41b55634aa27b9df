import type { ProjectedEvent, StoredEvent } from '../types'
import type { TableProjection } from './define'
import type { Failure } from './meta'
import { scopedDb, type TableMap } from './scoped'
import type { SqlDb } from './sql'
import type { TableTx } from './storage'

/** An `apply` threw: at which of the events, and why. */
export class ApplyFailure extends Error {
  constructor(
    readonly index: number,
    readonly event: StoredEvent,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause))
  }

  failure(): Failure {
    const e = this.event
    return {
      message: this.message,
      position: e.position,
      tenant: e.tenant,
      tenantPosition: e.tenantPosition,
      id: e.id,
      type: e.type,
      stream: e.stream,
    }
  }
}

function toProjected({ fingerprint: _, ...event }: StoredEvent): ProjectedEvent {
  return event
}

/**
 * Applies events, in order, to one generation's tables inside `tx`; throws `ApplyFailure`
 * naming the first event whose `apply` threw (the caller rolls back or keeps those before it).
 */
export async function applyEvents(
  tx: TableTx,
  projection: TableProjection,
  map: TableMap,
  events: readonly StoredEvent[],
): Promise<void> {
  const perTenant = projection.scope === 'tenant'
  const dbs = new Map<string, SqlDb>()
  const all = perTenant ? undefined : scopedDb(tx.db, map, undefined, false)
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!
    if (projection.types && !projection.types.includes(event.type)) continue
    let db = all
    if (!db) {
      await tx.setTenant(event.tenant)
      db = dbs.get(event.tenant)
      if (!db) {
        db = scopedDb(tx.db, map, event.tenant, false)
        dbs.set(event.tenant, db)
      }
    }
    try {
      await projection.apply(toProjected(event), db)
    } catch (cause) {
      throw new ApplyFailure(index, event, cause)
    }
  }
}
