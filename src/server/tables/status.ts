import { canRead, tenantOf } from '../auth'
import { fromStorage } from '../respond'
import type { Principal, Storage } from '../types'
import type { TableProjection } from './define'
import { type Generation, generations } from './meta'
import type { TableRunner } from './runner'

/** What `GET /views/<name>/status` tells a caller about a table projection. */
export interface TableViewStatus {
  name: string
  version: number
  mode: 'inline' | 'async'
  /** The version views read now, or null while none is live. */
  liveVersion: number | null
  /** A version being built beside it, or null. */
  buildingVersion: number | null
  /** Whether the live version has applied every event of the caller's tenant. */
  caughtUp: boolean
  /**
   * Why it stopped: the message, and the event when it is one of the caller's tenant on a stream
   * it may read (another tenant's event, or one it may not read, is not named).
   */
  error: {
    message: string
    event?: { id: string; type: string; position: number }
  } | null
}

function errorFor(gen: Generation | undefined, principal: Principal): TableViewStatus['error'] {
  const failure = gen?.error
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
  const gens = await fromStorage(
    tables.read((db) => generations(db, tables.dialect, projection.name)),
  )
  const live = gens.find((g) => g.status === 'live')
  const building = gens.find((g) => g.status === 'building')
  const head = await fromStorage(storage.head(tenant))
  const global = (await fromStorage(storage.globalPosition(tenant, head))) ?? 0
  return {
    name: projection.name,
    version: projection.version,
    mode: projection.mode,
    liveVersion: live?.version ?? null,
    buildingVersion: building?.version ?? null,
    caughtUp: !!live && live.position >= global,
    error: errorFor(building ?? live, principal),
  }
}
