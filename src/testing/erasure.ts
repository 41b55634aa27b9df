import { FORGOTTEN_TYPE, type PersonalData, scrubPayload, subjectOf } from '../protocol/personal'
import type { Session } from './format'

/** An erasure a replay met: a subject forgotten, and where its fields were. */
export interface ErasureReport {
  subject: string
  /** Index in `session.events` of the audit event, when the session holds it. */
  index: number | undefined
  /**
   * The session's events that hold the subject's fields as they were recorded (a session
   * recorded before the erasure): their index, type and field names, never the values.
   */
  holding: { index: number; type: string; fields: string[] }[]
}

/**
 * The erasures a session spans: audit events in it (recorded across the erasure, by a client
 * that scrubbed) and subjects the caller says were forgotten since it was recorded
 * (`ReplayConfig.forgotten`). With `personal`, each lists the events that still hold that
 * subject's fields: a session recorded before the erasure replays as recorded and is reported
 * as spanning it, not as diverging; scrub such a file or record it again.
 */
export function erasuresIn(
  session: Session<unknown>,
  personal: PersonalData | undefined,
  forgotten: readonly string[] = [],
): ErasureReport[] {
  const reports = new Map<string, ErasureReport>()
  const report = (subject: string) => {
    const r = reports.get(subject) ?? { subject, index: undefined, holding: [] }
    reports.set(subject, r)
    return r
  }
  session.events.forEach((e, index) => {
    // The server's audit: it came from the server (it refuses the type from clients).
    if (e.event.type !== FORGOTTEN_TYPE || e.origin !== 'remote') return
    const subject = (e.event as { payload?: { subject?: unknown } }).payload?.subject
    if (typeof subject === 'string') report(subject).index ??= index
  })
  for (const subject of forgotten) report(subject)
  if (!personal) return [...reports.values()]
  const subjects = new Set(reports.keys())
  session.events.forEach((e, index) => {
    const { type } = e.event
    const payload = (e.event as { payload?: unknown }).payload
    const subject = subjectOf(personal, type, payload)
    if (subject === undefined || !subjects.has(subject)) return
    const scrubbed = scrubPayload(personal, type, payload, subjects) as Record<string, unknown>
    if (!scrubbed) return
    const fields = personal[type]!.fields.filter(
      (f) => (payload as Record<string, unknown>)[f] !== scrubbed[f],
    )
    report(subject).holding.push({ index, type, fields })
  })
  return [...reports.values()]
}
