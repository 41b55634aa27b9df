import {
  decodeToken,
  encodeToken,
  MIN_POSITION_HEADER,
  POSITION_HEADER,
  StrataWireError,
} from '../../protocol'
import { tenantOf } from '../auth'
import { fromStorage, json } from '../respond'
import { waitFor } from '../signal'
import type { Limits, Principal, Storage } from '../types'
import type { TableProjection, ViewParams } from './define'
import { holdOf } from './holds'
import { type Generation, generations } from './meta'
import type { TableRunner } from './runner'
import { scopedDb } from './scoped'
import type { SqlDb } from './sql'

/** How often a waiting view looks again for progress made by another process. */
const POLL_MS = 100

/** The global position a caller's `X-Min-Position` token stands for (0 without one). */
export async function minimumOf(
  storage: Storage,
  tenant: string,
  request: Request,
): Promise<{ min: number; target: number }> {
  const header = request.headers.get(MIN_POSITION_HEADER)
  const min = header === null ? 0 : decodeToken(header.trim(), [MIN_POSITION_HEADER])
  const target = await fromStorage(storage.globalPosition(tenant, min))
  // As GET /events says: a token past the tenant's head comes from a store reset since.
  if (target === undefined) {
    throw new StrataWireError(
      'bad_token',
      `The ${MIN_POSITION_HEADER} token is ahead of this store; was the store reset? Read again from the start`,
      { path: [MIN_POSITION_HEADER] },
    )
  }
  return { min, target }
}

/**
 * `GET /views/<name>?...` of a table projection: its `read` over the live generation's tables,
 * the caller's tenant's rows only, with the query parameters and the principal, once the
 * generation has applied everything up to the `X-Min-Position` token. While a new version is
 * built, the old generation answers if the new `read` runs on its tables; else the view waits
 * for the new one. Waits at most `viewWaitMs`, then 503 with `Retry-After`.
 */
export async function readTableView(
  runner: TableRunner,
  storage: Storage,
  limits: Limits,
  principal: Principal,
  projection: TableProjection,
  request: Request,
  url: URL,
): Promise<Response> {
  const { read, name } = projection
  if (!read)
    throw new StrataWireError('not_found', `Table projection ${JSON.stringify(name)} has no read()`)
  const tenant = tenantOf(principal)
  const { min, target } = await minimumOf(storage, tenant, request)
  const params: ViewParams = {}
  for (const [key, value] of url.searchParams) if (!(key in params)) params[key] = value
  const tables = storage.tables!
  // The tenant's head, to tell the caller how far the answer goes when it goes past its token.
  const tenantHead = await fromStorage(storage.head(tenant))
  const headAt = (await fromStorage(storage.globalPosition(tenant, tenantHead))) ?? 0
  await fromStorage(runner.ready)
  if (runner.isStale(name)) {
    throw new StrataWireError(
      'unavailable',
      `View ${JSON.stringify(name)} has a newer version live than this server's code (version ${projection.version}); a server of the new release answers it`,
      { details: { view: name } },
    )
  }
  const perTenant = projection.scope === 'tenant'
  const liveOf = async (db: SqlDb) =>
    (await generations(db, tables.dialect, name)).find((g) => g.status === 'live')
  /** The tenant's hold on the generation (stopped at an event of its own, or rebuilding). */
  const holdIn = (db: SqlDb, live: Generation) =>
    perTenant ? holdOf(db, tables.dialect, live, tenant) : undefined
  let kicked = false
  const result = await waitFor({
    subscribe: (wake) => {
      const off = [runner.progress.subscribe((n) => n === name && wake()), storage.subscribe(wake)]
      const timer = setInterval(wake, POLL_MS)
      return () => {
        clearInterval(timer)
        for (const f of off) f()
      }
    },
    check: async () => {
      let seen: number | undefined
      const found = await fromStorage(
        tables
          .read(async (db) => {
            const live = await liveOf(db)
            if (!live) return undefined
            const hold = await holdIn(db, live)
            // Rebuilt after a forget: until the rebuilt rows are swapped in, the tenant's rows
            // still hold what was forgotten, so nothing is served from them (wait, then 503).
            if (hold?.kind === 'rebuild') return undefined
            // Stopped at an event of its own, the tenant's rows stand at the hold's position (the
            // generation itself is past it).
            const stopped = hold?.kind === 'stopped' ? hold.position : undefined
            if (stopped === undefined ? live.position < target : stopped < min) return undefined
            seen = live.generation
            const done = stopped === undefined ? live.position >= headAt : stopped >= tenantHead
            const position = done ? tenantHead : min
            const scoped = scopedDb(
              db,
              runner.mapOf(projection, live.generation),
              perTenant ? tenant : undefined,
              true,
            )
            try {
              return { body: await read(scoped, params, principal), position }
            } catch (cause) {
              // The old version's tables do not fit this read: wait for this version.
              if (live.version !== projection.version) return undefined
              if (cause instanceof StrataWireError) throw cause
              throw new StrataWireError(
                'internal',
                `The read() of view ${JSON.stringify(name)} threw`,
                {
                  cause,
                },
              )
            }
          })
          .catch(async (error: unknown) => {
            // Its tables were dropped by a switch between reading the generation and its rows.
            if (seen !== undefined && (await tables.read(liveOf))?.generation !== seen)
              return undefined
            throw error
          }),
      )
      if (!found && !kicked) runner.kick(name)
      kicked = true
      return found
    },
    timeoutMs: limits.viewWaitMs,
    signal: request.signal,
  })
  if (!result) {
    throw new StrataWireError(
      'unavailable',
      `View ${JSON.stringify(name)} has not caught up with position ${min} yet (or is being rebuilt); retry`,
      { details: { view: name, required: encodeToken(min) } },
    )
  }
  // The generation counts global positions, no client's to see: the caller learns the newest
  // of its tenant's positions the answer includes (its token, or the tenant's head).
  return json(result.body ?? null, 200, {
    [POSITION_HEADER.toLowerCase()]: encodeToken(result.position),
  })
}
