import type { JsonValue } from '../../protocol'
import { ErasureCounts, giverOf } from '../tenantShare'

/**
 * A map that forgets the oldest half at a time: entries go into a young map, which becomes the
 * old one (the old one dropped) when it holds `half`; one read from the old one moves it back.
 * A Map that deletes its first entry on every insert past its bound made each insert walk the
 * deleted entries at its start: reading 100,000 events through a cache of 50,000 took ten times
 * as long as without it.
 */
class Bounded<K, V> {
  #young = new Map<K, V>()
  #old = new Map<K, V>()
  // The lowest key of each half and the highest put, when keys are numbers (positions): `span`.
  #youngLow = Number.POSITIVE_INFINITY
  #oldLow = Number.POSITIVE_INFINITY
  #high = Number.NEGATIVE_INFINITY
  /** Entries held (one moved back from the old map counts twice until the old one goes). */
  get size(): number {
    return this.#young.size + this.#old.size
  }
  get(key: K, half: number): V | undefined {
    const young = this.#young.get(key)
    if (young !== undefined) return young
    const old = this.#old.get(key)
    if (old !== undefined) this.put(key, old, half)
    return old
  }
  put(key: K, value: V, half: number): void {
    this.#young.set(key, value)
    if (typeof key === 'number') {
      if (key < this.#youngLow) this.#youngLow = key
      if (key > this.#high) this.#high = key
    }
    if (this.#young.size >= half) {
      this.#old = this.#young
      this.#oldLow = this.#youngLow
      this.#young = new Map()
      this.#youngLow = Number.POSITIVE_INFINITY
    }
  }
  /** Drops the older half (everything, when there is none yet). */
  shed(): void {
    if (this.#old.size) {
      this.#old = new Map()
      this.#oldLow = Number.POSITIVE_INFINITY
    } else {
      this.#young = new Map()
      this.#youngLow = Number.POSITIVE_INFINITY
    }
  }
  /** From the lowest numeric key held to the highest put (it may be gone since), if any. */
  span(): readonly [number, number] | undefined {
    const low = Math.min(this.#youngLow, this.#oldLow)
    return this.size && low <= this.#high ? [low, this.#high] : undefined
  }
}

/**
 * One `Bounded` a tenant under one bound in all. Each tenant turns its young map over at half
 * its share (the bound over the tenants holding entries), so it holds about its share at most:
 * a tenant alone has the whole bound, two have half each, and one tenant reading much cannot
 * drop another's entries (its reads going cold, and telling how much others read). When
 * tenants join, the others hold more than their new share for a while: past the bound, a tenant
 * holding at least the average sheds its older half (`giverOf`), never one within its share.
 * A forget drops one tenant's map, never looking at the others'.
 */
class Shared<K, V> {
  readonly #tenants = new Map<string, Bounded<K, V>>()
  #size = 0
  constructor(readonly max: number) {}
  get(tenant: string, key: K): V | undefined {
    const own = this.#tenants.get(tenant)
    if (!own) return undefined
    const before = own.size
    const value = own.get(key, this.#half())
    if (own.size !== before) this.#grew(tenant, own, before)
    return value
  }
  put(tenant: string, key: K, value: V): void {
    let own = this.#tenants.get(tenant)
    if (!own) {
      own = new Bounded()
      this.#tenants.set(tenant, own)
    }
    const before = own.size
    own.put(key, value, this.#half())
    this.#grew(tenant, own, before)
  }
  #half(): number {
    return Math.max(1, this.max / this.#tenants.size / 2)
  }
  #grew(tenant: string, own: Bounded<K, V>, before: number): void {
    this.#size += own.size - before
    while (this.#size > this.max) {
      const giver = giverOf(this.#tenants, this.#size, tenant)
      const theirs = this.#tenants.get(giver)!
      const held = theirs.size
      theirs.shed()
      this.#size -= held - theirs.size
      if (!theirs.size) this.#tenants.delete(giver)
    }
  }
  span(tenant: string): readonly [number, number] | undefined {
    return this.#tenants.get(tenant)?.span()
  }
  drop(tenant: string): void {
    this.#size -= this.#tenants.get(tenant)?.size ?? 0
    this.#tenants.delete(tenant)
  }
  clear(): void {
    this.#tenants.clear()
    this.#size = 0
  }
}

interface Opened {
  /** The sealed fields' values; read back from `text` when first asked, if kept without them. */
  values: Record<string, JsonValue> | undefined
  /** The whole payload opened, as JSON text, once a text read or the append made it. */
  text: string | undefined
  /** The sealed fields, whose values `text` holds. */
  fields: readonly string[] | undefined
}

/**
 * Subject keys and personal fields opened (or sealed) lately, so an event read by many (the
 * fan-out after an append, every client's pull) is deciphered once and a page of events does
 * not look up a key per subject. Each read first asks the store for the tenant's count of
 * erasures (one indexed lookup, `Storage.erasures`); when it moved, by a forget in this process
 * or another, everything of that tenant is dropped before anything is served. A forget here
 * empties it. Bounded, oldest first out, each tenant within its share (`Shared`).
 *
 * Fields are kept by the event's global position, which is one event's for good once
 * committed (only committed appends are learned): event ids are unique per client only, so two
 * clients of a tenant may send the same id, and by id one would be served the other's fields.
 */
export class OpenedCache {
  readonly #counts = new ErasureCounts()
  readonly #keys: Shared<string, Uint8Array>
  readonly #values: Shared<number, Opened>

  readonly #recent: number

  /**
   * `max` opened payloads and `maxKeys` subject keys (each key holds its AES context and GHASH
   * tables, ~2.1 KB, gcm.ts: 34 MB at 16,384 where 50,000 were 105 MB; a key missed costs one
   * lookup for a page's keys and ~5 us to make its state again).
   */
  constructor(max = 50_000, maxKeys = 16_384) {
    this.#keys = new Shared(maxKeys)
    this.#values = new Shared(max)
    this.#recent = max / 2
  }

  /**
   * Whether a read keeps what it opens at this tenant position (`head` the tenant's): only in
   * the newest half of the bound. A catch-up through old history (a new device, a rebuild)
   * would otherwise turn the cache over, dropping the recent entries that the reads after each
   * append are served from, and pay to keep what nobody reads again soon. Its keys are kept.
   */
  keeps(head: number, tenantPosition: number): boolean {
    return head - tenantPosition < this.#recent
  }

  /** Drops the tenant's entries when its count of erasures is not the one they were read at. */
  sync(tenant: string, generation: number): void {
    this.#counts.sync(tenant, generation, (t) => this.drop(t))
  }

  /**
   * Drops everything of the tenant (a forget there): nothing is learned for it until a read
   * syncs it again. Other tenants' entries stay: a forget elsewhere is no business of theirs,
   * not even by how long their next read takes.
   */
  drop(tenant: string): void {
    this.#counts.forget(tenant)
    this.#keys.drop(tenant)
    this.#values.drop(tenant)
  }

  key(tenant: string, subject: string): Uint8Array | undefined {
    return this.#keys.get(tenant, subject)
  }
  setKey(tenant: string, subject: string, key: Uint8Array, generation: number): void {
    if (this.#counts.current(tenant, generation)) this.#keys.put(tenant, subject, key)
  }
  /**
   * The fields of the event at this global position, when they are the tenant's. An entry kept
   * with its text only (a text read's, an append's: one string an event held, not a record and
   * its values too) gives them read back from it, once.
   */
  values(tenant: string, position: number): Record<string, JsonValue> | undefined {
    const opened = this.#values.get(tenant, position)
    if (!opened || opened.values !== undefined || opened.text === undefined) return opened?.values
    const payload = JSON.parse(opened.text) as Record<string, JsonValue>
    const values: Record<string, JsonValue> = {}
    for (const field of opened.fields!)
      if (Object.hasOwn(payload, field)) values[field] = payload[field]!
    opened.values = values
    return values
  }
  setValues(
    tenant: string,
    position: number,
    values: Record<string, JsonValue>,
    generation: number,
  ): void {
    if (this.#counts.current(tenant, generation))
      this.#values.put(tenant, position, { values, text: undefined, fields: undefined })
  }
  /**
   * The global positions between which the tenant's opened payloads lie (from the lowest held to
   * the highest kept, which may have gone since), if any: a store may send the payloads of rows
   * outside only (`PageRequest.openedWithin`).
   */
  span(tenant: string): readonly [number, number] | undefined {
    return this.#values.span(tenant)
  }
  /**
   * The event's payload opened, as JSON text, when it was kept: a text read of it then parses,
   * opens and encodes nothing.
   */
  text(tenant: string, position: number): string | undefined {
    return this.#values.get(tenant, position)?.text
  }
  /** Keeps the event's payload opened as JSON text, which holds its sealed `fields`' values. */
  setText(
    tenant: string,
    position: number,
    text: string,
    fields: readonly string[],
    generation: number,
  ): void {
    if (this.#counts.current(tenant, generation))
      this.#values.put(tenant, position, { values: undefined, text, fields })
  }

  /**
   * What a committed append used and sealed (each event's payload as sent, by global position,
   * and its sealed fields), kept when the tenant's count of erasures is still the one its
   * transaction saw (else a forget came between, and it is dropped).
   */
  learn(
    tenant: string,
    generation: number,
    keys: ReadonlyMap<string, Uint8Array>,
    texts: readonly (readonly [position: number, text: string, fields: readonly string[]])[],
  ): void {
    if (!this.#counts.current(tenant, generation)) return
    for (const [subject, key] of keys) this.#keys.put(tenant, subject, key)
    for (const [position, text, fields] of texts)
      this.#values.put(tenant, position, { values: undefined, text, fields })
  }

  clear(): void {
    this.#counts.clear()
    this.#keys.clear()
    this.#values.clear()
  }
}
