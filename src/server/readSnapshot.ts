import { decodeToken, encodeToken, POSITION_HEADER, StrataWireError } from '../protocol'
import { canRead, tenantOf } from './auth'
import { fromStorage, jsonText } from './respond'
import { encodeServed } from './snapshotCache'
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
  // Also in a header, so a client can ask for the events after it while the body still arrives.
  const headers = { [POSITION_HEADER]: encodeToken(served.position) }
  const { encoded } = served
  const version = runner.versionOf(name)
  // A state kept for paging back, or the initial one (snapshotCache.ts): encoded once.
  if (encoded) encoded.text ??= encodeServed(name, version, served)
  return jsonText(encoded?.text ?? encodeServed(name, version, served), 200, headers)
}
