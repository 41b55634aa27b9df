import { canRead, tenantOf } from '../auth'
import { fromStorage } from '../respond'
import type { Principal, Storage } from '../types'
import type { TableProjection } from './define'
import { type Hold, holdOf } from './holds'
import { type Failure, type Generation, generations } from './meta'
import type { TableRunner } from './runner'

/** What `GET /views/<name>/status` tells a caller about a table projection. */
export interface TableViewStatus {
  name: string
  version: number
  mode: 'inline' | 'async'
  /** The version views read now, or null while none is live. */
  liveVersion: number | null
  /**
   * A version being built beside it, or null; or the live version while the caller's tenant's
   * rows are rebuilt after a forget (other tenants see nothing of that).
   */
  buildingVersion: number | null
  /** Whether the live version has applied every event of the caller's tenant. */
  caughtUp: boolean
  /**
   * Why it stopped: the message, and the event when it is one of the caller's tenant on a stream
   * it may read (another tenant's event, or one it may not read, is not named). A projection per
   * tenant stops only the tenant of the event: the others read null here.
   */
  error: {
    message: string
    event?: { id: string; type: string; position: number }
  } | null
}

function errorFor(
  failure: Failure | null | undefined,
  principal: Principal,
): TableViewStatus['error'] {
  if (!failure) return null
  if (failure.tenant !== tenantOf(principal))
    return { message: 'Stopped at an event of another tenant' }
  // The message may quote the event's payload: for readers of its stream only (a record from
  // before streams were kept names none: for readers of every stream).
  const hidden =
    failure.stream === undefined
      ? principal.canRead !== undefined
      : !canRead(principal, failure.stream)
  if (hidden) return { message: 'Stopped at an event of a stream this principal may not read' }
  return {
    message: failure.message,
    event: { id: failure.id, type: failure.type, position: failure.tenantPosition },
  }
}

export async function tableStatus(
  runner: TableRunner,
  storage: Storage,
  principal: Principal,
  projection: TableProjection,
): Promise<TableViewStatus> {
  const tenant = tenantOf(principal)
  await fromStorage(runner.ready)
  const tables = storage.tables!
  const perTenant = projection.scope === 'tenant'
  const { live, building, held, heldBuilding } = await fromStorage(
    tables.read(async (db) => {
      const gens = await generations(db, tables.dialect, projection.name)
      const live = gens.find((g) => g.status === 'live')
      const building = gens.find((g) => g.status === 'building')
      // The caller's tenant's hold in each (see holds.ts): no other tenant's is read.
      const holdIn = async (gen: Generation | undefined): Promise<Hold | undefined> =>
        perTenant && gen ? holdOf(db, tables.dialect, gen, tenant) : undefined
      return { live, building, held: await holdIn(live), heldBuilding: await holdIn(building) }
    }),
  )
  const head = await fromStorage(storage.head(tenant))
  const global = (await fromStorage(storage.globalPosition(tenant, head))) ?? 0
  const shown = building ? heldBuilding : held
  return {
    name: projection.name,
    version: projection.version,
    mode: projection.mode,
    liveVersion: live?.version ?? null,
    buildingVersion: building?.version ?? (held?.kind === 'rebuild' ? live!.version : null),
    caughtUp:
      !!live && (held?.kind === 'stopped' ? held.position >= head : live.position >= global),
    error: errorFor(shown?.error ?? (building ?? live)?.error, principal),
  }
}
