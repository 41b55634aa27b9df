import { StrataWireError } from '../protocol'

/**
 * Names the `Host` header may carry besides those always accepted (localhost, names under
 * `.localhost`, IP addresses): exact names, or `.example.com` for it and its subdomains. `true`
 * accepts any Host.
 */
export type AllowedHosts = readonly string[] | true

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/

/**
 * True when a request's host name may reach the server. A page on an attacker's domain whose
 * name was made to resolve to 127.0.0.1 (DNS rebinding) still sends its own name as Host: a
 * list of accepted names keeps it out. IP addresses and localhost cannot be rebound.
 */
export function hostAllowed(hostname: string, allowed: AllowedHosts): boolean {
  if (allowed === true) return true
  const name = hostname.toLowerCase().replace(/\.$/, '')
  if (name === 'localhost' || name.endsWith('.localhost')) return true
  if (IPV4.test(name) || (name.startsWith('[') && name.endsWith(']'))) return true
  return allowed.some((entry) => {
    const e = entry.toLowerCase()
    return e.startsWith('.') ? name === e.slice(1) || name.endsWith(e) : name === e
  })
}

export function checkHost(request: Request, allowed: AllowedHosts): void {
  const { hostname } = new URL(request.url)
  if (hostAllowed(hostname, allowed)) return
  const shown = hostname.length > 64 ? `${hostname.slice(0, 64)}…` : hostname
  throw new StrataWireError(
    'forbidden',
    `Host ${JSON.stringify(shown)} is not allowed; add it to allowedHosts (strata-server --allowed-hosts)`,
    { details: { header: 'Host' } },
  )
}
