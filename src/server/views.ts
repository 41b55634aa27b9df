import {
  decodeToken,
  encodeToken,
  MIN_POSITION_HEADER,
  POSITION_HEADER,
  StrataWireError,
} from '../protocol'
import { tenantOf } from './auth'
import { overAllTenants, type ProjectionRunner } from './projections'
import { fromStorage, json } from './respond'
import type { Limits, Principal, Storage } from './types'

/**
 * `GET /views/<name>`: a projection's read model once it has folded everything up to the
 * `X-Min-Position` token (default: once it has run at all). Waits at most `viewWaitMs`, then
 * answers 503 with `Retry-After`; never a read model older than the caller's own write.
 *
 * A projection per tenant answers the caller's tenant's state, at a tenant position. One over
 * all tenants is served only through its `read` (the whole state would show every tenant), and
 * waits for the global position of the caller's token.
 */
export async function readView(
  runner: ProjectionRunner,
  storage: Storage,
  limits: Limits,
  principal: Principal,
  name: string,
  request: Request,
  url: URL,
): Promise<Response> {
  const projection = runner.get(name)
  if (!projection) {
    throw new StrataWireError('not_found', `No view named ${JSON.stringify(name)}`, {
      path: ['name'],
    })
  }
  const all = overAllTenants(projection)
  if (all && !projection.read) {
    throw new StrataWireError(
      'forbidden',
      `View ${JSON.stringify(name)} folds every tenant and has no read() to choose what a caller may see`,
      { path: ['name'] },
    )
  }
  // The whole state is folded from every stream: not for a reader of some (as snapshots).
  if (!projection.read && principal.canRead !== undefined) {
    throw new StrataWireError(
      'forbidden',
      `View ${JSON.stringify(name)} serves its whole state, folded from every stream, and principal ${JSON.stringify(principal.id)} may not read every stream; give the view a read() to choose what a caller may see`,
      { path: ['name'] },
    )
  }
  const tenant = tenantOf(principal)
  const header = request.headers.get(MIN_POSITION_HEADER)
  const min = header === null ? 0 : decodeToken(header.trim(), [MIN_POSITION_HEADER])
  let target = min
  if (min > 0) {
    const global = all
      ? await fromStorage(storage.globalPosition(tenant, min))
      : min <= (await fromStorage(storage.head(tenant)))
        ? min
        : undefined
    // As GET /events says: a token past the tenant's head comes from a store reset since.
    if (global === undefined) {
      throw new StrataWireError(
        'bad_token',
        `The ${MIN_POSITION_HEADER} token is ahead of this store; was the store reset? Read again from the start`,
        { path: [MIN_POSITION_HEADER] },
      )
    }
    target = global
  }
  const checkpoint = await fromStorage(
    runner.waitFor(name, all ? undefined : tenant, target, limits.viewWaitMs, request.signal),
  )
  if (!checkpoint) {
    throw new StrataWireError(
      'unavailable',
      `View ${JSON.stringify(name)} has not caught up with position ${min} yet; retry`,
      {
        details: { view: name, required: encodeToken(min) },
      },
    )
  }
  const body = projection.read
    ? projection.read(checkpoint.state, { principal, tenant, url })
    : checkpoint.state
  // Over all tenants the checkpoint counts global positions, which are no client's to see: the
  // caller learns that its own token is folded in.
  const position = all ? min : checkpoint.position
  return json(body ?? null, 200, { [POSITION_HEADER.toLowerCase()]: encodeToken(position) })
}
