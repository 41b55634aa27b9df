import { StrataWireError } from '../protocol'

/** Who holds a slot: the tenant, and a key naming the principal within it. */
export interface Holder {
  tenant: string
  principal: string
}

/**
 * Counts requests held open (long polls, event streams), in all, per tenant and per principal,
 * and refuses one past any cap with a 503 and `Retry-After`: a flood of held connections from
 * one caller cannot take the slots of everyone else, nor one tenant's many callers the slots of
 * the other tenants, nor all of them the server's memory and sockets. A tenant's share is soft:
 * past it, a tenant takes more only while fewer than half of all slots are held, so a big
 * tenant uses what nobody needs, and the other half stays for tenants within their share.
 * A refusal past its share tells a tenant holding its share that the server is at least half
 * full: one bit, which any share that lends idle slots tells (as the cap in all tells a full
 * server); a hard share would tell nothing and leave a lone tenant a tenth of the slots.
 */
export class Slots {
  readonly #what: string
  readonly #caps: SlotCaps
  readonly #limits: SlotLimitNames
  readonly #retryAfterMs: number
  readonly #principals = new Map<string, number>()
  readonly #tenants = new Map<string, number>()
  #count = 0

  constructor(what: string, caps: SlotCaps, limits: SlotLimitNames, retryAfterSeconds: number) {
    this.#what = what
    this.#caps = caps
    this.#limits = limits
    this.#retryAfterMs = retryAfterSeconds * 1000
  }

  get count(): number {
    return this.#count
  }

  /** Takes a slot for `holder`; returns its release, safe to call twice. */
  take(holder: Holder): () => void {
    const principal = this.#principals.get(holder.principal) ?? 0
    const tenant = this.#tenants.get(holder.tenant) ?? 0
    // The caller's own caps first: its refusal then says nothing of the other tenants' load.
    if (principal >= this.#caps.perPrincipal)
      this.#refuse('per principal', this.#limits[2], this.#caps.perPrincipal)
    if (tenant >= this.#caps.perTenant && this.#count >= this.#caps.total / 2)
      this.#refuse('per tenant', this.#limits[1], this.#caps.perTenant)
    if (this.#count >= this.#caps.total) this.#refuse('in all', this.#limits[0], this.#caps.total)
    this.#principals.set(holder.principal, principal + 1)
    this.#tenants.set(holder.tenant, tenant + 1)
    this.#count++
    let released = false
    return () => {
      if (released) return
      released = true
      this.#count--
      decrement(this.#principals, holder.principal)
      decrement(this.#tenants, holder.tenant)
    }
  }

  #refuse(scope: string, limit: string, max: number): never {
    throw new StrataWireError(
      'unavailable',
      `Too many ${this.#what} open (${max} ${scope}); retry later`,
      { details: { limit, max }, retryAfterMs: this.#retryAfterMs },
    )
  }
}

export interface SlotCaps {
  total: number
  perTenant: number
  perPrincipal: number
}

/** The names of the caps' limits, as the refusal's `details.limit` names them. */
export type SlotLimitNames = readonly [total: string, perTenant: string, perPrincipal: string]

/** One less for `key`, dropping it at zero so the maps hold only current holders. */
function decrement(map: Map<string, number>, key: string): void {
  const left = (map.get(key) ?? 1) - 1
  if (left) map.set(key, left)
  else map.delete(key)
}

/** The holder of a principal's slots: a principal id is only unique within its tenant. */
export const holderOf = (principal: { id: string; tenant?: string }): Holder => {
  const tenant = principal.tenant ?? ''
  // JSON, not a separator: no tenant and id can spell another pair's key.
  return { tenant, principal: JSON.stringify([tenant, principal.id]) }
}
