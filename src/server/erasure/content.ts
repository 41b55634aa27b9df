import type { JsonValue, WireEvent } from '../../protocol'
import { type PersonalData, subjectOf } from '../../protocol/personal'
import { canonicalJson, contentBytes, eventContent } from '../fingerprint'

/** An event's content with its personal values left out, and the size of the full content. */
export interface Redacted {
  /** What the fingerprint covers. */
  text: string
  /** As `bytesOver(eventContent(event), max)`, without making that text. */
  bytesOver(max: number): number | undefined
}

/**
 * The content a fingerprint covers when an event has personal fields: each of their values is
 * left out (`{"$personal":<subject>}` in its place). A hash of the plaintext would outlive the
 * key, and a name or an address is easily guessed back from its hash; a hash over the
 * ciphertext would differ on every retry (random IVs). The price: a retry that changed only a
 * personal value is taken for the same event.
 *
 * The full content differs only where the placeholders are (the keys sort the same), so its
 * size is had from the values' texts: the event is made into canonical JSON once, not twice.
 */
export function redactedContent(personal: PersonalData, event: WireEvent): Redacted | undefined {
  const subject = subjectOf(personal, event.type, event.payload)
  if (subject === undefined) return undefined
  const payload = { ...(event.payload as Record<string, JsonValue>) }
  const placeholder = { $personal: subject }
  const values: string[] = []
  for (const field of personal[event.type]!.fields) {
    if (!Object.hasOwn(payload, field)) continue
    values.push(canonicalJson(payload[field]))
    payload[field] = placeholder
  }
  // Field by field, not spread: a spread of the event is a generic copy, paid per event.
  const text = eventContent({
    clientSeq: event.clientSeq,
    id: event.id,
    stream: event.stream,
    type: event.type,
    payload,
    at: event.at,
    commandId: event.commandId,
    expectedVersion: event.expectedVersion,
    dependsOn: event.dependsOn,
  } as WireEvent)
  // canonicalJson(placeholder): its one key and the subject's JSON.
  const left = `{"$personal":${JSON.stringify(subject)}}`
  let length = text.length
  for (const value of values) length += value.length - left.length
  return {
    text,
    bytesOver(max) {
      // As bytesOver: a UTF-16 code unit is at most 3 bytes, so a short text needs no count.
      if (length * 3 <= max) return undefined
      let bytes = contentBytes(text)
      for (const value of values) bytes += contentBytes(value) - contentBytes(left)
      return bytes > max ? bytes : undefined
    },
  }
}
