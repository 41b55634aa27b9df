import { events, internalsOf } from '../core/internals'
import type { JsonValue, StoredWireEvent } from '../protocol/index'
import { forgottenSubject, type PersonalData, scrubPayload } from '../protocol/personal'
import type { OutboxStorage } from './storage'
import type { EventCodec } from './types'

/**
 * A record's events with the personal fields of forgotten subjects replaced by
 * `{ erased: true }`, wherever they sit in it (an outbox record holds the store event, the wire
 * fields and the command): every object with a string `type` and a `payload` is looked at. The
 * new record, or undefined when nothing in it changed.
 */
export function scrubDeep(
  personal: PersonalData,
  forgotten: ReadonlySet<string>,
  value: unknown,
  depth = 0,
): unknown {
  if (typeof value !== 'object' || value === null || depth > 8) return undefined
  if (Array.isArray(value)) {
    let out: unknown[] | undefined
    value.forEach((item, i) => {
      const next = scrubDeep(personal, forgotten, item, depth + 1)
      if (next === undefined) return
      out ??= value.slice()
      out[i] = next
    })
    return out
  }
  const record = value as Record<string, unknown>
  let out: Record<string, unknown> | undefined
  if (typeof record.type === 'string' && 'payload' in record) {
    const payload = scrubPayload(personal, record.type, record.payload, forgotten)
    if (payload !== undefined) out = { ...record, payload }
  }
  for (const [key, item] of Object.entries(record)) {
    if (key === 'payload' || typeof item !== 'object' || item === null) continue
    const next = scrubDeep(personal, forgotten, item, depth + 1)
    if (next === undefined) continue
    out ??= { ...record }
    out[key] = next
  }
  return out
}

/** The subjects a page of pulled events says were forgotten (genuine audit events only). */
export function forgottenIn(events: readonly StoredWireEvent[]): Set<string> {
  const out = new Set<string>()
  for (const e of events) {
    const subject = forgottenSubject(e)
    if (subject !== undefined) out.add(subject)
  }
  return out
}

export interface ScrubTarget {
  store: object
  codec: EventCodec
  storage: OutboxStorage
}

/**
 * After the server said these subjects were forgotten: their fields become the placeholder in
 * the store's commands and events, in the outbox (drafts and claimed events, so what is resent
 * holds no plaintext), and the settled snapshots and pages of IndexedDB are dropped (folded
 * states cannot be scrubbed field by field; the server serves them scrubbed again). Then the
 * states are folded again: from the first event when the window starts at one, else with the
 * earlier history paged in again (`hot.replaceReducer(r, { refold: 'all' })`).
 */
export async function scrubForgotten(
  target: ScrubTarget,
  personal: PersonalData,
  forgotten: ReadonlySet<string>,
): Promise<void> {
  const core = internalsOf<unknown>(target.store)
  let changed = false
  const scrubEntry = (entry: { type: string; payload: unknown }, value: object) => {
    const wire = target.codec.encode(value as never)
    const payload = scrubPayload(personal, wire.type, wire.payload, forgotten)
    if (payload === undefined) return undefined
    changed = true
    entry.payload = payload
    return target.codec.decode({ type: wire.type, payload: payload as JsonValue })
  }
  for (const entry of events(core)) {
    const next = scrubEntry(entry, entry.event)
    if (next) entry.event = next
  }
  for (const entry of core.commands) {
    const next = scrubEntry(entry, entry.command)
    if (next) entry.command = next
  }
  await target.storage.scrub?.((record) => scrubDeep(personal, forgotten, record))
  if (!changed && core.start === 0) return
  const store = target.store as {
    hot: { replaceReducer(r: unknown, o?: { refold: 'all' }): unknown }
  }
  store.hot.replaceReducer(core.reducer, core.start > 0 ? { refold: 'all' } : undefined)
  await core.refolding
}
