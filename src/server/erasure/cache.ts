import type { JsonValue } from '../../protocol'

/**
 * A map of at most `max` entries that forgets the oldest half at a time: entries go into a young
 * map, which becomes the old one (the old one dropped) when it holds half of `max`; one read
 * from the old one moves it back. A Map that deletes its first entry on every insert past
 * `max` made each insert walk the deleted entries at its start: reading 100,000 events through
 * a cache of 50,000 took ten times as long as without it.
 */
class Bounded<K, V> {
  #young = new Map<K, V>()
  #old = new Map<K, V>()
  constructor(readonly max: number) {}
  get(key: K): V | undefined {
    const young = this.#young.get(key)
    if (young !== undefined) return young
    const old = this.#old.get(key)
    if (old !== undefined) this.put(key, old)
    return old
  }
  put(key: K, value: V): void {
    this.#young.set(key, value)
    if (this.#young.size >= this.max / 2) {
      this.#old = this.#young
      this.#young = new Map()
    }
  }
  drop(which: (key: K, value: V) => boolean): void {
    for (const map of [this.#young, this.#old])
      for (const [key, value] of map) if (which(key, value)) map.delete(key)
  }
  clear(): void {
    this.#young.clear()
    this.#old.clear()
  }
}

interface Opened {
  tenant: string
  values: Record<string, JsonValue>
  /** The whole payload opened, as JSON text, once a text read or the append made it. */
  text?: string | undefined
}

/**
 * Subject keys and personal fields opened (or sealed) lately, so an event read by many (the
 * fan-out after an append, every client's pull) is deciphered once and a page of events does
 * not look up a key per subject. Each read first asks the store for the tenant's count of
 * erasures (one indexed lookup, `Storage.erasures`); when it moved, by a forget in this process
 * or another, everything of that tenant is dropped before anything is served. A forget here
 * empties it. Bounded, oldest first out.
 *
 * Fields are kept by the event's global position, which is one event's for good once
 * committed (only committed appends are learned): event ids are unique per client only, so two
 * clients of a tenant may send the same id, and by id one would be served the other's fields.
 */
export class OpenedCache {
  readonly #generations = new Map<string, number>()
  readonly #keys: Bounded<string, Uint8Array>
  readonly #values: Bounded<number, Opened>

  constructor(max = 50_000) {
    this.#keys = new Bounded(max)
    this.#values = new Bounded(max)
  }

  /** Drops the tenant's entries when its count of erasures is not the one they were read at. */
  sync(tenant: string, generation: number): void {
    if (this.#generations.get(tenant) === generation) return
    this.drop(tenant)
    this.#generations.set(tenant, generation)
  }

  /**
   * Drops everything of the tenant (a forget there): nothing is learned for it until a read
   * syncs it again. Other tenants' entries stay: a forget elsewhere is no business of theirs,
   * not even by how long their next read takes.
   */
  drop(tenant: string): void {
    this.#generations.delete(tenant)
    const prefix = `${tenant}\u0000`
    this.#keys.drop((key) => key.startsWith(prefix))
    this.#values.drop((_, opened) => opened.tenant === tenant)
  }

  key(tenant: string, subject: string): Uint8Array | undefined {
    return this.#keys.get(`${tenant}\u0000${subject}`)
  }
  /**
   * Whether what a reader had at this count of erasures (the one it synced at) may be kept: a
   * forget since (its drop, or another reader's sync to the new count) would otherwise be undone
   * by a read that fetched the subject's key before the forget committed and caches it after.
   */
  #current(tenant: string, generation: number): boolean {
    return this.#generations.get(tenant) === generation
  }
  setKey(tenant: string, subject: string, key: Uint8Array, generation: number): void {
    if (this.#current(tenant, generation)) this.#keys.put(`${tenant}\u0000${subject}`, key)
  }
  /** The fields of the event at this global position, when they are the tenant's. */
  values(tenant: string, position: number): Record<string, JsonValue> | undefined {
    const opened = this.#values.get(position)
    return opened?.tenant === tenant ? opened.values : undefined
  }
  setValues(
    tenant: string,
    position: number,
    values: Record<string, JsonValue>,
    generation: number,
    text?: string,
  ): void {
    if (this.#current(tenant, generation)) this.#values.put(position, { tenant, values, text })
  }
  /**
   * The event's payload opened, as JSON text, when its fields are kept and the text was made:
   * a text read of it then parses, opens and encodes nothing.
   */
  text(tenant: string, position: number): string | undefined {
    const opened = this.#values.get(position)
    return opened?.tenant === tenant ? opened.text : undefined
  }
  /** Keeps the opened payload's text beside the fields kept for it (none kept: nothing). */
  setText(tenant: string, position: number, text: string, generation: number): void {
    const opened = this.#values.get(position)
    if (opened?.tenant === tenant && this.#current(tenant, generation)) opened.text = text
  }

  /**
   * What a committed append used and sealed (values by global position), kept when the
   * tenant's count of erasures is still the one its transaction saw (else a forget came
   * between, and it is dropped).
   */
  learn(
    tenant: string,
    generation: number,
    keys: ReadonlyMap<string, Uint8Array>,
    values: readonly (readonly [number, Record<string, JsonValue>, string?])[],
  ): void {
    for (const [subject, key] of keys) this.setKey(tenant, subject, key, generation)
    for (const [position, opened, text] of values)
      this.setValues(tenant, position, opened, generation, text)
  }

  clear(): void {
    this.#generations.clear()
    this.#keys.clear()
    this.#values.clear()
  }
}
