import { StrataWireError } from '../protocol'
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
export const canWrite = (principal: Principal, stream: string) =>
  principal.canWrite?.(stream) ?? true
