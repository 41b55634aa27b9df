import type { JsonValue } from '../../protocol'
import { ERASED, type PersonalData } from '../../protocol/personal'
import type { PayloadAt } from '../reads'
import { withPayloadText } from '../storage/text'
import type { PageResult, TextEvent } from '../types'
import type { OpenedCache } from './cache'
import { type KeySource, openValues, pageKeys, type SealedFields, sealedFields } from './open'

/**
 * What every envelope's text holds: `JSON.stringify` and PostgreSQL's jsonb output both write
 * the key as is (`$` is never escaped), so a payload whose text lacks it holds no sealed field.
 */
const ENVELOPE_KEY = '"$enc"'

/** A payload text's sealed fields, and the payload parsed. */
interface TextSealed extends SealedFields {
  index: number
  payload: Record<string, JsonValue>
}

/**
 * Text events as readers see them, as `openEvents` gives them: only payloads that may hold
 * sealed fields (an event type declared personal, its text naming an envelope) are parsed,
 * opened and encoded again; every other is served as stored, never parsed. Only the payload is
 * parsed and encoded (no event objects in between), and the opened values go into it in place:
 * what `openEvents` plus `JSON.stringify` give, at about half the cost besides the ciphers.
 */
export async function openTextEvents(
  source: KeySource,
  personal: PersonalData,
  events: TextEvent[],
  cache?: OpenedCache,
  /** The tenant's head, for one tenant's events: those far below it are not kept. */
  head?: number,
): Promise<TextEvent[]> {
  const last = events[events.length - 1]
  const keep = head === undefined || !last || !cache || cache.keeps(head, last.tenantPosition)
  const opened = await openPayloads(source, personal, events, cache, keep)
  if (!opened) return events
  const out = events.slice()
  for (let i = 0; i < events.length; i++) {
    const text = opened[i]
    if (text !== undefined) out[i] = withPayloadText(events[i]!, text)
  }
  return out
}

/**
 * A page the store wrote with its sealed rows apart (`PageResult.sealed`) as `GET /events`
 * serves it: each row's payload opened as `openTextEvents` opens it, written between the row's
 * two parts in its place. The same text as the events read through `readText`, opened, and
 * written by `wireText`, for every row: the plain ones are the store's, as they would be anyway.
 * Undefined when a row came without its payload (`PageRequest.opened`) and the cache, synced
 * after the read, no longer holds it opened (a forget came between, or it was dropped): the
 * caller reads the page again.
 */
export async function openPage(
  source: KeySource,
  personal: PersonalData,
  page: PageResult,
  cache?: OpenedCache,
): Promise<PageResult | undefined> {
  const rows = page.sealed ?? []
  const keep = !cache || cache.keeps(page.head, page.last)
  const opened = await openPayloads(source, personal, rows, cache, keep, true)
  const { text } = page
  let out = ''
  let from = 0
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    const payload = opened?.[i] ?? row.payloadText
    if (payload === '') return undefined
    out += text.slice(from, row.at) + row.head + payload + row.tail
    from = row.at
  }
  out += text.slice(from)
  const { count, last, head, clients, cut } = page
  return { text: out, count, last, head, clients, cut }
}

/**
 * Each payload as a reader sees it, opened, where that differs from its stored text (undefined
 * where it does not; undefined for all when none does).
 */
async function openPayloads(
  source: KeySource,
  personal: PersonalData,
  events: readonly PayloadAt[],
  cache?: OpenedCache,
  /** Keep what is opened here (see `OpenedCache.keeps`); what is kept is served either way. */
  keep = true,
  /**
   * Every event is of a type declared personal (a page's sealed rows): its type is not looked
   * at before the cache (a row's type is read from its text only when asked, sqlitePage.ts).
   */
  declared = false,
): Promise<(string | undefined)[] | undefined> {
  // As openEvents: a cache is good only checked against the tenant's count of erasures.
  if (!source.erasures) cache = undefined
  // The count each tenant's cache was synced at: texts made here are kept only at it.
  const synced = new Map<string, number>()
  const wanted = new Map<string, Set<string>>()
  const sealed: TextSealed[] = []
  let out: (string | undefined)[] | undefined
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    const { tenant } = event
    if (!declared && !Object.hasOwn(personal, event.type)) continue
    if (cache) {
      if (!synced.has(tenant)) {
        const generation = await source.erasures!(tenant)
        cache.sync(tenant, generation)
        synced.set(tenant, generation)
      }
      // Opened lately (or sealed by this server): its text as a reader sees it, kept (only an
      // event with sealed fields has one: its text need not be looked through first).
      const kept = cache.text(tenant, event.position)
      if (kept !== undefined) {
        out ??= new Array(events.length)
        out[i] = kept
        continue
      }
    }
    const { type, payloadText: text } = event
    if (declared && !Object.hasOwn(personal, type)) continue
    if (!text.includes(ENVELOPE_KEY)) continue
    const payload = JSON.parse(text) as JsonValue
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) continue
    const found = sealedFields(personal[type]!.fields, payload)
    if (!found) continue
    sealed.push({
      fields: found.fields,
      joined: found.joined,
      envelope: found.envelope,
      index: i,
      payload,
    })
    const subjects = wanted.get(tenant)
    if (subjects) subjects.add(found.envelope.subject)
    else wanted.set(tenant, new Set([found.envelope.subject]))
  }
  if (sealed.length) {
    out ??= new Array(events.length)
    const keys = await pageKeys(source, wanted, cache, synced)
    for (const s of sealed) {
      const event = events[s.index]!
      const key = keys.get(event.tenant)?.get(s.envelope.subject)
      const generation = synced.get(event.tenant)
      // Kept below with the text, in one entry (not the values first, then the text beside).
      const opening = openValues(key, event, s, cache, undefined)
      const values = opening instanceof Promise ? await opening : opening
      // The payload is this read's own, parsed here: the opened values go into it.
      const { payload, fields } = s
      for (const field of fields)
        payload[field] = values && Object.hasOwn(values, field) ? values[field]! : { ...ERASED }
      const payloadText = JSON.stringify(payload)
      out[s.index] = payloadText
      // The text alone: one string kept an event, its values read back from it if asked.
      if (keep && values && generation !== undefined)
        cache?.setText(event.tenant, event.position, payloadText, fields, generation)
    }
  }
  return out
}
