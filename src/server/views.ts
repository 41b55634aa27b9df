import {
  decodeToken,
  encodeToken,
  MIN_POSITION_HEADER,
  POSITION_HEADER,
  StrataWireError,
} from '../protocol'
import type { ProjectionRunner } from './projections'
import { fromStorage, json } from './respond'
import type { Limits, Principal } from './types'

/**
 * `GET /views/<name>`: a projection's read model once it has folded everything up to the
 * `X-Min-Position` token (default: once it has run at all). Waits at most `viewWaitMs`, then
 * answers 503 with `Retry-After`; never a read model older than the caller's own write.
 */
export async function readView(
  runner: ProjectionRunner,
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
  const header = request.headers.get(MIN_POSITION_HEADER)
  const min = header === null ? 0 : decodeToken(header.trim(), [MIN_POSITION_HEADER])
  const checkpoint = await fromStorage(runner.waitFor(name, min, limits.viewWaitMs, request.signal))
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
    ? projection.read(checkpoint.state, { principal, url })
    : checkpoint.state
  return json(body ?? null, 200, {
    [POSITION_HEADER.toLowerCase()]: encodeToken(checkpoint.position),
    'access-control-expose-headers': POSITION_HEADER,
  })
}
