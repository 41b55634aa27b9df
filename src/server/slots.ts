import { StrataWireError } from '../protocol'

/**
 * Counts requests held open (long polls, event streams), in all and per principal, and refuses
 * one past either cap with a 503 and `Retry-After`: a flood of held connections from one caller
 * cannot take the slots of everyone else, nor all of them the server's memory and sockets.
 */
export class Slots {
  readonly #what: string
  readonly #total: number
  readonly #perPrincipal: number
  readonly #limits: readonly [string, string]
  readonly #retryAfterMs: number
  readonly #held = new Map<string, number>()
  #count = 0

  constructor(
    what: string,
    caps: { total: number; perPrincipal: number },
    limits: readonly [total: string, perPrincipal: string],
    retryAfterSeconds: number,
  ) {
    this.#what = what
    this.#total = caps.total
    this.#perPrincipal = caps.perPrincipal
    this.#limits = limits
    this.#retryAfterMs = retryAfterSeconds * 1000
  }

  get count(): number {
    return this.#count
  }

  /** Takes a slot for `holder` (tenant and principal); returns its release, safe to call twice. */
  take(holder: string): () => void {
    const mine = this.#held.get(holder) ?? 0
    if (mine >= this.#perPrincipal)
      this.#refuse(`per principal`, this.#limits[1], this.#perPrincipal)
    if (this.#count >= this.#total) this.#refuse('in all', this.#limits[0], this.#total)
    this.#held.set(holder, mine + 1)
    this.#count++
    let released = false
    return () => {
      if (released) return
      released = true
      this.#count--
      const left = (this.#held.get(holder) ?? 1) - 1
      if (left) this.#held.set(holder, left)
      else this.#held.delete(holder)
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

/** The key slots are counted by: a principal id is only unique within its tenant. */
export const holderOf = (principal: { id: string; tenant?: string }) =>
  `${principal.tenant ?? ''}\u0000${principal.id}`
