import type { Store } from '@strata/state'
import { events, internalsOf } from '../core/internals'
import type { StoredWireEvent } from '../protocol/index'
import { forgottenSubject, type PersonalData, scrubPayload } from '../protocol/personal'
import type { OutboxStorage } from './storage'

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
export const forgottenIn = (events: readonly StoredWireEvent[]) =>
  new Set(events.map(forgottenSubject).filter((s) => s !== undefined))

export interface ScrubTarget {
  store: object
  storage: OutboxStorage
}

/**
 * After the server said these subjects were forgotten: their fields become the placeholder in
 * the store's commands and events (as the default codec shapes them: `{ type, payload }`), in
 * the outbox (drafts and claimed events, so what is resent holds no plaintext), and the settled
 * snapshots and pages of IndexedDB are dropped (folded states cannot be scrubbed field by field;
 * the server serves them scrubbed again). Then the states are folded again: from the first
 * event when the window starts at one, else with the earlier history paged in again
 * (`hot.replaceReducer(r, { refold: 'all' })`).
 */
export async function scrubForgotten(
  target: ScrubTarget,
  personal: PersonalData,
  forgotten: ReadonlySet<string>,
): Promise<void> {
  const core = internalsOf<unknown>(target.store)
  const scrub = (record: unknown) => scrubDeep(personal, forgotten, record)
  let changed = false
  for (const entry of [...events(core), ...core.commands]) {
    const next = scrub(entry)
    if (next) changed = !!Object.assign(entry, next)
  }
  await target.storage.scrub?.(scrub)
  if (changed || core.start) {
    ;(target.store as Store<unknown>).hot.replaceReducer(
      core.reducer,
      core.start ? { refold: 'all' } : undefined,
    )
    await core.refolding
  }
}
