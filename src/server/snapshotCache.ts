import { encodeToken, PROTOCOL_VERSION, type SnapshotResponse } from '../protocol'
import type { ServedSnapshot } from './snapshotLive'
import { ErasureCounts, giverOf } from './tenantShare'

/**
 * The answers of `GET /snapshots/<name>?before=` for states kept for paging back, as JSON text.
 * A kept state never changes at its position for a version, except by a forget: so every client
 * paging back past it costs the store's read of it, not the parse of its text and the encoding
 * again (the state's size each). Keyed by tenant, name, version and position; the version is
 * the key's, so a state of another version is never served. Each use first asks the store for
 * the tenant's count of erasures (one indexed lookup) when the server has personal data: when
 * it moved (a forget, in this process or another), the tenant's entries are dropped before
 * anything is served; a forget here drops them too. Bounded by the texts' length, oldest used
 * first out, from a tenant holding at least the average (`giverOf`): one tenant paging back
 * much never drops the states of a tenant within its share. Who may read an entry is checked
 * per request from its streams (readSnapshot.ts).
 */
export class KeptCache {
  /** Each tenant's entries, least recently used first, and the length of their texts. */
  readonly #tenants = new Map<string, { entries: Map<string, Entry>; size: number }>()
  readonly #counts = new ErasureCounts()
  readonly #max: number
  #size = 0

  constructor(maxChars = 16 * 2 ** 20) {
    this.#max = maxChars
  }

  /** Drops the tenant's entries when its count of erasures is not the one they were kept at. */
  sync(tenant: string, generation: number): void {
    this.#counts.sync(tenant, generation, (t) => this.drop(t))
  }

  /** Everything of the tenant (a forget there): nothing is kept for it until it syncs again. */
  drop(tenant: string): void {
    this.#counts.forget(tenant)
    this.#size -= this.#tenants.get(tenant)?.size ?? 0
    this.#tenants.delete(tenant)
  }

  get(tenant: string, name: string, version: string, position: number) {
    const entries = this.#tenants.get(tenant)?.entries
    const key = keyOf(name, version, position)
    const entry = entries?.get(key)
    if (!entry) return undefined
    entries!.delete(key)
    entries!.set(key, entry)
    return entry.served
  }

  /**
   * Keeps a state read at this count of erasures (the one `sync` was given before the read),
   * encoded; unless a forget came since (then it is served once, not kept). Returns it encoded.
   */
  put(
    tenant: string,
    name: string,
    version: string,
    served: ServedSnapshot,
    generation: number,
  ): ServedSnapshot {
    const text = encodeServed(name, version, served)
    const kept: ServedSnapshot = { ...served, state: null, encoded: { text } }
    if (!this.#counts.current(tenant, generation) || text.length > this.#max) return kept
    const key = keyOf(name, version, served.position)
    this.#remove(tenant, key)
    const own = this.#tenants.get(tenant) ?? { entries: new Map(), size: 0 }
    this.#tenants.set(tenant, own)
    own.entries.set(key, { served: kept, size: text.length })
    own.size += text.length
    this.#size += text.length
    while (this.#size > this.#max) {
      const giver = giverOf(this.#tenants, this.#size, tenant)
      this.#remove(giver, this.#tenants.get(giver)!.entries.keys().next().value!)
    }
    return kept
  }

  #remove(tenant: string, key: string): void {
    const own = this.#tenants.get(tenant)
    const entry = own?.entries.get(key)
    if (!own || !entry) return
    own.entries.delete(key)
    own.size -= entry.size
    this.#size -= entry.size
    if (!own.entries.size) this.#tenants.delete(tenant)
  }
}

interface Entry {
  served: ServedSnapshot
  size: number
}

const keyOf = (name: string, version: string, position: number) =>
  `${name}\u0000${version}\u0000${position}`

/** The answer's JSON text (`SnapshotResponse`, before any principal's check). */
export function encodeServed(name: string, version: string, served: ServedSnapshot): string {
  const body: SnapshotResponse = {
    protocol: PROTOCOL_VERSION,
    name,
    version,
    position: encodeToken(served.position),
    state: served.state,
    streams: served.streams,
  }
  return JSON.stringify(body)
}
