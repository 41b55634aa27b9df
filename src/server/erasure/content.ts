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
  const payload = event.payload as Record<string, JsonValue>
  const fields = personal[event.type]!.fields
  // canonicalJson({ $personal: subject }): its one key and the subject's JSON.
  const left = `{"$personal":${JSON.stringify(subject)}}`
  // Written in place of the values, the payload neither copied nor its values encoded here.
  const masked = (key: string) => (fields.includes(key) ? left : undefined)
  const text = eventContent(event, canonicalJson(payload, masked))
  return {
    text,
    bytesOver(max) {
      // At most: 3 bytes a UTF-16 unit of the text, less each placeholder's units, and for a
      // string value 2 quotes and 6 bytes a unit (\uXXXX, or 3 bytes of UTF-8 unescaped);
      // exact (the values encoded) only when that may pass the limit.
      let bound = 3 * text.length
      for (const field of fields) {
        if (!Object.hasOwn(payload, field)) continue
        const value = payload[field]
        bound +=
          (typeof value === 'string' ? 2 + 6 * value.length : 3 * canonicalJson(value).length) -
          left.length
      }
      if (bound <= max) return undefined
      let bytes = contentBytes(text)
      for (const field of fields) {
        if (Object.hasOwn(payload, field))
          bytes += contentBytes(canonicalJson(payload[field])) - contentBytes(left)
      }
      return bytes > max ? bytes : undefined
    },
  }
}
