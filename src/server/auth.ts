import { StrataWireError } from '../protocol'
import { FORGOTTEN_TYPE, SERVER_CLIENT_ID } from '../protocol/personal'
import type { Authorize, Principal } from './types'

export const ANONYMOUS: Principal = { id: 'anonymous' }

/** The caller's principal: 401 without one, 403 (or any code) if `authorize` throws a wire error. */
export async function authenticate(
  authorize: Authorize | undefined,
  request: Request,
): Promise<Principal> {
  if (!authorize) return ANONYMOUS
  const principal = await authorize(request)
  if (!principal) {
    throw new StrataWireError(
      'unauthorized',
      'A valid credential is required; sign in again and retry',
    )
  }
  if (typeof principal.id !== 'string' || !principal.id) {
    throw new TypeError('[strata] authorize() must return a principal with a non-empty string id')
  }
  return principal
}

export const tenantOf = (principal: Principal) => principal.tenant ?? ''
export const canRead = (principal: Principal, stream: string) => principal.canRead?.(stream) ?? true

/**
 * Streams the server writes itself (`$strata/erasure`: its audit events, whose stream version is
 * the tenant's count of erasures, which snapshot saves and the opened cache check). No client
 * writes there, whatever its `canWrite` says: its events would count as erasures.
 */
const RESERVED_PREFIX = '$strata/'
const servers = new WeakSet<Principal>()

/** The principal the server writes its own events as (the only one that may write `$strata/`). */
export function serverPrincipal(tenant: string): Principal {
  const principal = { id: SERVER_CLIENT_ID, tenant }
  servers.add(principal)
  return principal
}

export const isReservedStream = (stream: string) => stream.startsWith(RESERVED_PREFIX)

export const canWrite = (principal: Principal, stream: string) =>
  isReservedStream(stream) ? servers.has(principal) : (principal.canWrite?.(stream) ?? true)

/** The server's audit event type: no client writes one, on any stream (replays count them). */
export const mayWriteType = (principal: Principal, type: string) =>
  type !== FORGOTTEN_TYPE || servers.has(principal)
