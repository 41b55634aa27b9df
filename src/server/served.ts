import { forgottenSubject } from '../protocol/personal'
import { canRead } from './auth'
import { readText, utf8Length } from './storage/text'
import type { Principal, ReadRequest, Storage, TextEvent, TextReadResult } from './types'

/**
 * Whether the principal is served the event: one of a stream it may read, or an erasure's notice.
 * Every reader of the tenant hears of an erasure, whatever streams it may read: it may hold the
 * subject's fields from streams it could read. Only such a notice's payload is parsed.
 */
export const seenBy = (principal: Principal, e: TextEvent) =>
  canRead(principal, e.stream) || forgottenSubject(noticeOf(e)) !== undefined

/** What `forgottenSubject` looks at, the payload parsed only if the rest is an erasure's. */
const noticeOf = (e: TextEvent) => ({
  type: e.type,
  clientId: e.clientId,
  get payload() {
    return JSON.parse(e.payloadText) as unknown
  },
})

/** About the bytes of an event's wire text besides its payload (positions, ids, names, time). */
const WIRE_AROUND = 160

/**
 * A read for a principal of some streams, on past each page the store cut at its byte budget
 * (`maxBytes`, which counts every event it reads) while what the principal is served stays under
 * it: where its page ends then depends on the events it is served and on positions, never on the
 * size of events it may not see (else, moving `after` an event at a time, it would learn each
 * one's). Those are kept without their payload: at most `limit` of them, and the budget's worth
 * of served events and one more store page.
 */
export async function readServed(
  storage: Storage,
  principal: Principal,
  request: ReadRequest & { tenant: string },
): Promise<TextReadResult> {
  let result = await readText(storage, request)
  if (principal.canRead === undefined || request.maxBytes === undefined || !result.cut)
    return result
  const events: TextEvent[] = []
  let served = 0
  for (;;) {
    for (const e of result.events) {
      if (seenBy(principal, e)) {
        events.push(e)
        // Its payload and about what the wire adds around it: an estimate, of served events only.
        served += utf8Length(e.payloadText) + WIRE_AROUND
      } else events.push({ ...e, payloadText: 'null' })
    }
    if (
      !result.cut ||
      served > request.maxBytes ||
      events.length >= request.limit ||
      !events.length
    )
      return { ...result, events }
    const after = events.at(-1)!.tenantPosition
    result = await readText(storage, { ...request, after, limit: request.limit - events.length })
  }
}
