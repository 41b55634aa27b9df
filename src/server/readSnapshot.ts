import {
  decodeToken,
  encodeToken,
  POSITION_HEADER,
  PROTOCOL_VERSION,
  type SnapshotResponse,
  StrataWireError,
} from '../protocol'
import { canRead, tenantOf } from './auth'
import { fromStorage, json, jsonText } from './respond'
import type { ServedSnapshot, SnapshotRunner } from './snapshots'
import type { Limits, Principal } from './types'

/**
 * `GET /snapshots/<name>`: the caller's tenant's latest server snapshot, or, with
 * `?before=<token>&events=<n>`, the state kept at least `n` events before `before` (paging
 * back). Authorized like a read: the caller must be able to read every stream folded into it.
 * 404 while there is none of the configured version (it is being folded).
 */
export async function readSnapshot(
  runner: SnapshotRunner,
  limits: Limits,
  principal: Principal,
  name: string,
  url: URL,
  signal: AbortSignal,
): Promise<Response> {
  if (!runner.has(name)) {
    throw new StrataWireError('not_found', `No snapshot named ${JSON.stringify(name)}`, {
      path: ['name'],
      details: { snapshot: name, reason: 'unknown' },
    })
  }
  const tenant = tenantOf(principal)
  const before = url.searchParams.get('before')
  const events = url.searchParams.get('events')
  let served: ServedSnapshot | undefined
  if (before !== null || events !== null) {
    const at = decodeToken(before, ['before'])
    const count = Number(events)
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new StrataWireError(
        'bad_request',
        `events: expected a count of events (a non-negative integer), received ${JSON.stringify(events)}`,
        { path: ['events'] },
      )
    }
    served = await fromStorage(runner.before(name, tenant, at, count))
  } else {
    served = await fromStorage(runner.latest(name, tenant, limits.viewWaitMs, signal))
  }
  if (!served) {
    throw new StrataWireError(
      'not_found',
      `Snapshot ${JSON.stringify(name)} has not been folded yet for this version; read the events meanwhile`,
      { path: ['name'], details: { snapshot: name, reason: 'none-yet' } },
    )
  }
  const hidden = served.more
    ? principal.canRead !== undefined
    : Object.keys(served.streams).some((stream) => !canRead(principal, stream))
  if (hidden) {
    throw new StrataWireError(
      'forbidden',
      `Principal ${JSON.stringify(principal.id)} may not read every stream snapshot ${JSON.stringify(name)} folds`,
      { path: ['name'] },
    )
  }
  const body: SnapshotResponse = {
    protocol: PROTOCOL_VERSION,
    name,
    version: runner.versionOf(name),
    position: encodeToken(served.position),
    state: served.state,
    streams: served.streams,
  }
  // Also in a header, so a client can ask for the events after it while the body still arrives.
  const headers = { [POSITION_HEADER]: body.position }
  const { encoded } = served
  if (!encoded) return json(body, 200, headers)
  // The initial state, which every client paging back to the first event reads: encoded once.
  encoded.text ??= JSON.stringify(body)
  return jsonText(encoded.text, 200, headers)
}
