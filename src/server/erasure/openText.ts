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
  const at: number[] = []
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    if (Object.hasOwn(personal, event.type) && event.payloadText.includes(ENVELOPE_KEY)) at.push(i)
  }
  if (!at.length) return events
  const parsed = at.map((i) => parseTextEvent(events[i]!))
  const opened = await openEvents(source, personal, parsed, cache)
  const out = events.slice()
  for (let k = 0; k < at.length; k++) {
    // openEvents hands back the same event when it found nothing sealed in it.
    if (opened[k] === parsed[k]) continue
    out[at[k]!] = toTextEvent(opened[k]!)
  }
  return out
}
