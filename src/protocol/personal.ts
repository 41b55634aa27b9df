import type { JsonValue } from './errors'

/**
 * Which fields of an event type are personal data, and whose. The same declaration serves the
 * server (it encrypts those fields per subject) and the client (it scrubs them when the subject
 * is forgotten): `personal: { 'user/renamed': { subject: (p) => p.userId, fields: ['name'] } }`.
 * Fields are top-level keys of the payload; the subject's id itself must not be one of them.
 */
export interface PersonalFields<P = any> {
  /** The subject (person) the fields belong to; undefined or '' when the event has none. */
  subject: (payload: P) => string | undefined | null
  fields: readonly string[]
}

export type PersonalData = { readonly [type: string]: PersonalFields }

/** What a reader gets in place of a forgotten subject's field. */
export interface Erased {
  erased: true
}

export const ERASED: Erased = Object.freeze({ erased: true })

/** Whether a value is the placeholder of a forgotten field: reducers check it before use. */
export function isErased(value: unknown): value is Erased {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { erased?: unknown }).erased === true &&
    Object.keys(value).length === 1
  )
}

/** The audit event `forgetSubject` records in the tenant's log (no personal data in it). */
export const FORGOTTEN_TYPE = 'strata/subject-forgotten'
export const ERASURE_STREAM = '$strata/erasure'
/**
 * The client id of events the server writes itself. It has a space, which client ids may not
 * (printable ASCII without spaces), so no client can send events under it.
 */
export const SERVER_CLIENT_ID = 'strata server'

export interface ForgottenPayload {
  subject: string
  /** The principal id of the admin who asked. */
  by: string
  /** Server time in milliseconds. */
  at: number
}

/** The subject forgotten by an event, when it is a genuine audit event written by the server. */
export function forgottenSubject(event: {
  type: string
  clientId?: string
  payload?: unknown
}): string | undefined {
  if (event.type !== FORGOTTEN_TYPE || event.clientId !== SERVER_CLIENT_ID) return undefined
  const subject = (event.payload as { subject?: unknown } | null)?.subject
  return typeof subject === 'string' ? subject : undefined
}

/** The subject of an event's personal fields, or undefined when it has none. */
export function subjectOf(
  personal: PersonalData,
  type: string,
  payload: unknown,
): string | undefined {
  const declared = Object.hasOwn(personal, type) ? personal[type] : undefined
  if (!declared || typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return undefined
  let subject: unknown
  try {
    subject = declared.subject(payload)
  } catch {
    return undefined
  }
  return typeof subject === 'string' && subject !== '' ? subject : undefined
}

/**
 * The payload with the personal fields of forgotten subjects replaced by the placeholder, or
 * undefined when nothing in it is theirs (then the caller keeps the original). `lost` hears each
 * value replaced.
 */
export function scrubPayload(
  personal: PersonalData,
  type: string,
  payload: unknown,
  forgotten: ReadonlySet<string>,
  lost?: (value: unknown) => void,
): JsonValue | undefined {
  const subject = subjectOf(personal, type, payload)
  if (subject === undefined || !forgotten.has(subject)) return undefined
  const out = { ...(payload as Record<string, JsonValue>) }
  let changed = false
  for (const field of personal[type]!.fields) {
    if (!Object.hasOwn(out, field) || isErased(out[field])) continue
    lost?.(out[field])
    out[field] = { erased: true }
    changed = true
  }
  return changed ? out : undefined
}
