/** Principals of restricted reach, shared by the attack tests and the tests of stored-text reads. */
import type { Principal } from '@strata/state/server'
import { withAdmins } from '../server/attack'

/**
 * As `withAdmins` (`Bearer alice@acme` is alice of acme, `root@<tenant>` its admin); alice may
 * read no `secret…` stream, carol only `todos`.
 */
export const restricted = (request: Request): Principal | null => {
  const principal = withAdmins(request)
  if (principal?.id === 'alice') return { ...principal, canRead: (s) => !s.startsWith('secret') }
  if (principal?.id === 'carol') return { ...principal, canRead: (s) => s === 'todos' }
  return principal
}
