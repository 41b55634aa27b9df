import { encodeToken, PROTOCOL_VERSION, type SnapshotResponse } from '../protocol'
import type { ServedSnapshot } from './snapshotLive'

/**
 * The answers of `GET /snapshots/<name>?before=` for states kept for paging back, as JSON text.
 * A kept state never changes at its position for a version, except by a forget: so every client
 * paging back past it costs the store's read of it, not the parse of its text and the encoding
 * again (the state's size each). Keyed by tenant, name, version and position; the version is
 * the key's, so a state of another version is never served. Each use first asks the store for
 * the tenant's count of erasures (one indexed lookup) when the server has personal data: when
 * it moved (a forget, in this process or another), the tenant's entries are dropped before
 * anything is served; a forget here drops them too. Bounded by the texts' length, oldest used
 * first out. Who may read an entry is checked per request from its streams (readSnapshot.ts).
 */
export class KeptCache {
  readonly #entries = new Map<string, Entry>()
  readonly #generations = new Map<string, number>()
  readonly #max: number
  #size = 0

  constructor(maxChars = 16 * 2 ** 20) {
    this.#max = maxChars
  }

  /** Drops the tenant's entries when its count of erasures is not the one they were kept at. */
  sync(tenant: string, generation: number): void {
    if (this.#generations.get(tenant) === generation) return
    this.drop(tenant)
    this.#generations.set(tenant, generation)
  }

  /** Everything of the tenant (a forget there): nothing is kept for it until it syncs again. */
  drop(tenant: string): void {
    this.#generations.delete(tenant)
    for (const [key, entry] of this.#entries) {
      if (entry.tenant === tenant) this.#remove(key, entry)
    }
  }

  get(tenant: string, name: string, version: string, position: number) {
    const key = keyOf(tenant, name, version, position)
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    this.#entries.delete(key)
    this.#entries.set(key, entry)
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
    if (this.#generations.get(tenant) !== generation || text.length > this.#max) return kept
    const key = keyOf(tenant, name, version, served.position)
    const old = this.#entries.get(key)
    if (old) this.#remove(key, old)
    this.#entries.set(key, { tenant, served: kept, size: text.length })
    this.#size += text.length
    for (const [k, entry] of this.#entries) {
      if (this.#size <= this.#max) break
      this.#remove(k, entry)
    }
    return kept
  }

  #remove(key: string, entry: Entry): void {
    this.#entries.delete(key)
    this.#size -= entry.size
  }
}

interface Entry {
  tenant: string
  served: ServedSnapshot
  size: number
}

const keyOf = (tenant: string, name: string, version: string, position: number) =>
  `${tenant}\u0000${name}\u0000${version}\u0000${position}`

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
