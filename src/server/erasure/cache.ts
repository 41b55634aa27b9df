import type { JsonValue } from '../../protocol'

/** A map that forgets its oldest entries past `max`. */
class Bounded<V> extends Map<string, V> {
  constructor(readonly max: number) {
    super()
  }
  put(key: string, value: V): void {
    this.delete(key)
    this.set(key, value)
    if (this.size > this.max) this.delete(this.keys().next().value!)
  }
  dropTenant(tenant: string): void {
    for (const key of this.keys()) if (key.startsWith(`${tenant}\u0000`)) this.delete(key)
  }
}

/**
 * Subject keys and personal fields opened (or sealed) lately, so an event read by many (the
 * fan-out after an append, every client's pull) is deciphered once and a page of events does
 * not look up a key per subject. Each read first asks the store for the tenant's count of
 * erasures (one indexed lookup, `Storage.erasures`); when it moved, by a forget in this process
 * or another, everything of that tenant is dropped before anything is served. A forget here
 * empties it. Bounded, oldest first out.
 */
export class OpenedCache {
  readonly #generations = new Map<string, number>()
  readonly #keys: Bounded<Uint8Array>
  readonly #values: Bounded<Record<string, JsonValue>>

  constructor(max = 50_000) {
    this.#keys = new Bounded(max)
    this.#values = new Bounded(max)
  }

  /** Drops the tenant's entries when its count of erasures is not the one they were read at. */
  sync(tenant: string, generation: number): void {
    if (this.#generations.get(tenant) === generation) return
    this.#keys.dropTenant(tenant)
    this.#values.dropTenant(tenant)
    this.#generations.set(tenant, generation)
  }

  key(tenant: string, subject: string): Uint8Array | undefined {
    return this.#keys.get(`${tenant}\u0000${subject}`)
  }
  setKey(tenant: string, subject: string, key: Uint8Array): void {
    this.#keys.put(`${tenant}\u0000${subject}`, key)
  }
  values(tenant: string, eventId: string): Record<string, JsonValue> | undefined {
    return this.#values.get(`${tenant}\u0000${eventId}`)
  }
  setValues(tenant: string, eventId: string, values: Record<string, JsonValue>): void {
    this.#values.put(`${tenant}\u0000${eventId}`, values)
  }

  /**
   * What a committed append used and sealed, kept when the tenant's count of erasures is still
   * the one its transaction saw (else a forget came between, and it is dropped).
   */
  learn(
    tenant: string,
    generation: number,
    keys: ReadonlyMap<string, Uint8Array>,
    values: readonly (readonly [string, Record<string, JsonValue>])[],
  ): void {
    if (this.#generations.get(tenant) !== generation) return
    for (const [subject, key] of keys) this.setKey(tenant, subject, key)
    for (const [eventId, opened] of values) this.setValues(tenant, eventId, opened)
  }

  clear(): void {
    this.#generations.clear()
    this.#keys.clear()
    this.#values.clear()
  }
}
