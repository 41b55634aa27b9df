import type { JsonValue } from '../../protocol'
import type { OpenedCache } from './cache'
import {
  type Envelope,
  isEnvelope,
  isEnvelopeRef,
  type Opened,
  type Place,
  sync,
  web,
} from './crypto'

type Keys = (tenant: string, subjects: readonly string[]) => Promise<Map<string, Uint8Array>>

/** Where a read finds keys, and (with a cache) the tenant's count of erasures. */
export interface KeySource {
  keys: Keys
  erasures?: ((tenant: string) => Promise<number>) | undefined
}

/** A declaration's fields joined with commas (the field part of the additional data), once. */
const joinedFields = new WeakMap<readonly string[], string>()
export function joined(fields: readonly string[]): string {
  let text = joinedFields.get(fields)
  if (text === undefined) {
    text = fields.join(',')
    joinedFields.set(fields, text)
  }
  return text
}

/** An event's sealed fields: what opening them takes. */
export interface SealedFields {
  /** The field holding the envelope first, then those referring to it. */
  fields: readonly string[]
  /** `fields` joined with commas: the field part of the additional data. */
  joined: string
  envelope: Envelope
}

/**
 * The sealed fields of a payload, or undefined when none is sealed. Only the declared fields
 * are looked at (a client's payload that happens to look like an envelope elsewhere is left as
 * sent), and only their values are read: a text read hands in those alone.
 */
export function sealedFields(
  declared: readonly string[],
  payload: Readonly<Record<string, JsonValue | undefined>>,
): SealedFields | undefined {
  let envelope: Envelope | undefined
  let all = true
  for (let i = 0; i < declared.length; i++) {
    const value = payload[declared[i]!]
    if (i === 0 && isEnvelope(value)) envelope = value
    else if (i === 0 || !isEnvelopeRef(value)) all = false
  }
  if (all && envelope) return { fields: declared, joined: joined(declared), envelope }
  const fields: string[] = []
  for (const field of declared) {
    const value = payload[field]
    if (isEnvelope(value)) {
      envelope = value
      fields.unshift(field)
    } else if (isEnvelopeRef(value)) fields.push(field)
  }
  return envelope && { fields, joined: fields.join(','), envelope }
}

/**
 * The keys of the subjects a page of events needs, by tenant, in one lookup a tenant: those the
 * cache holds (checked against the tenant's count of erasures first), the others from the store.
 * A forgotten subject has none. `synced`: the count each tenant's cache was synced at, by this
 * read (those the caller synced are not asked again): what the read learns is kept only at it.
 */
export async function pageKeys(
  source: KeySource,
  wanted: ReadonlyMap<string, ReadonlySet<string>>,
  cache: OpenedCache | undefined,
  synced: Map<string, number>,
): Promise<Map<string, Map<string, Uint8Array>>> {
  const keys = new Map<string, Map<string, Uint8Array>>()
  for (const [tenant, subjects] of wanted) {
    if (cache && !synced.has(tenant)) {
      const generation = await source.erasures!(tenant)
      cache.sync(tenant, generation)
      synced.set(tenant, generation)
    }
    const found = new Map<string, Uint8Array>()
    const missing: string[] = []
    for (const subject of subjects) {
      const key = cache?.key(tenant, subject)
      if (key) found.set(subject, key)
      else missing.push(subject)
    }
    for (const [subject, key] of missing.length ? await source.keys(tenant, missing) : []) {
      found.set(subject, key)
      cache?.setKey(tenant, subject, key, synced.get(tenant)!)
    }
    keys.set(tenant, found)
  }
  return keys
}

/** What identifies a stored event for opening its fields: its place and its cache entry. */
interface At {
  tenant: string
  clientId: string
  id: string
  position: number
}

/**
 * The sealed fields' values by field (kept in the cache, or deciphered and kept), or undefined
 * when the key is gone or the envelope does not open there (tampered, moved): erased to readers.
 * A promise only when Web Crypto is what there is.
 */
export function openValues(
  key: Uint8Array | undefined,
  event: At,
  sealed: SealedFields,
  cache: OpenedCache | undefined,
  generation: number | undefined,
): Record<string, JsonValue> | undefined | Promise<Record<string, JsonValue> | undefined> {
  if (!key) return undefined
  const known = cache?.values(event.tenant, event.position)
  if (known) return known
  const place: Place = {
    tenant: event.tenant,
    clientId: event.clientId,
    eventId: event.id,
    field: sealed.joined,
  }
  const keep = generation === undefined ? undefined : cache
  if (!sync)
    return web
      .open(key, place, sealed.envelope)
      .then((o) => kept(o, event, sealed, keep, generation))
  return kept(sync.open(key, place, sealed.envelope), event, sealed, keep, generation)
}

/** The values opened, kept in the cache. No closure in openValues: a read opens thousands. */
function kept(
  opened: Opened,
  event: At,
  sealed: SealedFields,
  cache: OpenedCache | undefined,
  generation: number | undefined,
) {
  const values = valuesOf(opened, sealed.envelope, sealed.fields)
  if (values) cache?.setValues(event.tenant, event.position, values, generation!)
  return values
}

/** The fields' values as opened: v2 sealed them in order, v1 by name; undefined when not opened. */
function valuesOf(
  opened: Opened,
  envelope: Envelope,
  fields: readonly string[],
): Record<string, JsonValue> | undefined {
  if (typeof opened !== 'object' || opened === null) return undefined
  if (envelope.$enc === 'v1') return Array.isArray(opened) ? undefined : opened
  if (!Array.isArray(opened) || opened.length !== fields.length) return undefined
  const values: Record<string, JsonValue> = {}
  for (let i = 0; i < fields.length; i++) values[fields[i]!] = opened[i]!
  return values
}
