import type { PersonalData } from '../../protocol/personal'
import { parseTextEvent, toTextEvent } from '../storage/text'
import type { TextEvent } from '../types'
import type { OpenedCache } from './cache'
import { type KeySource, openEvents } from './personal'

/**
 * What every envelope's text holds: `JSON.stringify` and PostgreSQL's jsonb output both write
 * the key as is (`$` is never escaped), so a payload whose text lacks it holds no sealed field.
 */
const ENVELOPE_KEY = '"$enc"'

/**
 * Text events as readers see them, as `openEvents` gives them: only payloads that may hold
 * sealed fields (an event type declared personal, its text naming an envelope) are parsed,
 * opened and encoded again; every other is served as stored, never parsed.
 */
export async function openTextEvents(
  source: KeySource,
  personal: PersonalData,
  events: TextEvent[],
  cache?: OpenedCache,
): Promise<TextEvent[]> {
  // As openEvents: a cache is good only checked against the tenant's count of erasures.
  if (!source.erasures) cache = undefined
  const at: number[] = []
  // The count each tenant's cache was synced at: texts made here are kept only at it.
  const synced = new Map<string, number>()
  let out: TextEvent[] | undefined
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    if (!Object.hasOwn(personal, event.type) || !event.payloadText.includes(ENVELOPE_KEY)) continue
    if (cache && !synced.has(event.tenant)) {
      const generation = await source.erasures!(event.tenant)
      cache.sync(event.tenant, generation)
      synced.set(event.tenant, generation)
    }
    // Opened lately (or sealed by this server): its text as a reader sees it, kept.
    const text = cache?.text(event.tenant, event.position)
    if (text === undefined) {
      at.push(i)
      continue
    }
    out ??= events.slice()
    out[i] = { ...event, payloadText: text }
  }
  if (!at.length) return out ?? events
  const parsed = at.map((i) => parseTextEvent(events[i]!))
  const opened = await openEvents(source, personal, parsed, cache)
  out ??= events.slice()
  for (let k = 0; k < at.length; k++) {
    // openEvents hands back the same event when it found nothing sealed in it.
    if (opened[k] === parsed[k]) continue
    const event = toTextEvent(opened[k]!)
    out[at[k]!] = event
    const generation = synced.get(event.tenant)
    if (generation !== undefined)
      cache?.setText(event.tenant, event.position, event.payloadText, generation)
  }
  return out
}
