/**
 * What the server's caches shared by every tenant (opened fields, kept snapshot states) need so
 * that no tenant sees or hurts another through them: each tenant's count of erasures its
 * entries were had at, and who gives up room when the cache is full.
 */

/**
 * The tenant that gives up entries when a cache shared by tenants holds more than its bound:
 * the one making room (`taker`) when it holds at least the average, else the first that does.
 * Some tenant always does; and past the bound the average is above the bound over the tenants
 * holding entries, so a tenant holding no more than that share is never the one: another
 * tenant's traffic cannot drop its entries (its reads do not go cold, nor tell how much others
 * read). A tenant alone has the whole bound, and idle tenants keep at most their share.
 */
export function giverOf(
  held: ReadonlyMap<string, { readonly size: number }>,
  total: number,
  taker: string,
): string {
  const average = total / held.size
  if ((held.get(taker)?.size ?? 0) >= average) return taker
  for (const [tenant, { size }] of held) if (size >= average) return tenant
  return taker
}

/**
 * Each tenant's count of erasures (`Storage.erasures`) a cache's entries were had at. A reader
 * syncs it before it reads: when the count moved (a forget, in this process or another), the
 * tenant's entries are dropped before anything is served. What a reader had is kept only at the
 * count it synced at: a forget since would be undone by a read that fetched before it committed.
 */
export class ErasureCounts {
  readonly #counts = new Map<string, number>()

  /** Records the tenant's count, dropping its entries first when it is not the one they had. */
  sync(tenant: string, count: number, drop: (tenant: string) => void): void {
    if (this.#counts.get(tenant) === count) return
    drop(tenant)
    this.#counts.set(tenant, count)
  }

  /** Whether what was had at this count may be kept (no forget since). */
  current(tenant: string, count: number): boolean {
    return this.#counts.get(tenant) === count
  }

  /** A forget here: nothing is kept for the tenant until a read syncs it again. */
  forget(tenant: string): void {
    this.#counts.delete(tenant)
  }

  clear(): void {
    this.#counts.clear()
  }
}
