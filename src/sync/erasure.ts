import type { AnyEvent, Store } from '@strata/state'
import type { MutableCommandEntry, MutableEventEntry } from '../core/entries'
import { events, internalsOf } from '../core/internals'
import type { JsonValue, StoredWireEvent } from '../protocol/index'
import { ERASED, forgottenSubject, type PersonalData, scrubPayload } from '../protocol/personal'
import type { ConflictState } from './conflicts'
import type { DraftEvent, OutboxStorage, WireFields } from './storage'
import type { EventCodec } from './types'

/** The subjects a page of pulled events says were forgotten (genuine audit events only). */
export const forgottenIn = (events: readonly StoredWireEvent[]) =>
  new Set(events.map(forgottenSubject).filter((s) => s !== undefined))

export interface ScrubTarget {
  store: object
  storage: OutboxStorage
  codec: EventCodec
  /** Lost commands and the events they lost to: their copies are scrubbed as the log's. */
  conflicts: Pick<ConflictState, 'recent' | 'getSnapshot'>
}

// Scrubs events and commands of forgotten subjects. The declaration names wire fields, so a
// store event goes through the codec: encoded, its wire payload scrubbed, decoded back when
// something changed (the default codec's events are their own wire shape; a custom codec's may
// be any shape, a class instance too). What the codec does not send is not scrubbed.
//
// Commands are what the user dispatched, in the user's shape, and the declaration does not name
// their fields: a command is scrubbed through the events it made. Every string in it holding a
// value those events lost (the whole string: a name inside a longer text goes too), and every
// number equal to one, becomes the placeholder. A command that made no event (rejected, or
// nothing to decide) keeps what it was dispatched with.
export function scrubber(
  personal: PersonalData,
  forgotten: ReadonlySet<string>,
  codec: EventCodec,
) {
  // A wire payload scrubbed by the declaration, the strings and numbers it lost put in `lost`.
  const wire = (type: string, payload: any, lost: Set<unknown>) => {
    const out = scrubPayload(personal, type, payload, forgotten) as any
    if (out)
      for (const f of personal[type]!.fields) if (out[f] !== payload[f]) leaves(payload[f], lost)
    return out as { [field: string]: JsonValue } | undefined
  }
  // The event scrubbed through the codec; undefined when nothing in it is theirs.
  const event = (e: AnyEvent, lost: Set<unknown>): AnyEvent | undefined => {
    try {
      const w = codec.encode(e)
      const payload = wire(w.type, w.payload, lost)
      return payload && codec.decode({ type: w.type, payload })
    } catch {}
  }
  // An outbox record (a draft or a claimed event): its store event, wire fields and command.
  const record = <R extends DraftEvent & { wire?: WireFields }>(r: R): R | undefined => {
    const lost = new Set<unknown>()
    const next = { ...r }
    const e = event(r.event, lost)
    if (e) next.event = e as R['event']
    const payload = r.wire && wire(r.wire.type, r.wire.payload, lost)
    if (payload) next.wire = { ...r.wire!, payload }
    const command = r.command && leaking(r.command.command, lost)
    if (command) next.command = { ...r.command!, command: command as R['event'] }
    return lost.size ? next : undefined
  }
  return { event, record }
}

// The strings and numbers of an erased value (no booleans, nothing empty, no 0).
function leaves(v: unknown, out: Set<unknown>): void {
  if (typeof v === 'object' && v) for (const x of Object.values(v)) leaves(x, out)
  else if (v !== true && v) out.add(v)
}

// `value` with every string or number holding a lost one replaced; undefined if none does.
function leaking(value: unknown, lost: ReadonlySet<unknown>, depth = 0): unknown {
  if (typeof value === 'object' && value && depth < 16) {
    let out: any
    for (const [key, item] of Object.entries(value)) {
      // The command's own type stays: it says what was dispatched, not by whom.
      const next = depth || key !== 'type' ? leaking(item, lost, depth + 1) : undefined
      if (next === undefined) continue
      out ??= Object.assign(
        Array.isArray(value) ? [] : Object.create(Object.getPrototypeOf(value)),
        value,
      )
      out[key] = next
    }
    return out
  }
  for (const s of lost)
    if (value === s || (typeof value === typeof s && (value as string).includes?.(s as string)))
      return { ...ERASED }
}

/**
 * After the server said these subjects were forgotten: their fields become the placeholder in
 * the store's events and the commands that made them (see `scrubber`), in the lost commands of
 * `sync.conflicts` and the events they lost to, in the outbox (drafts and
 * claimed events, so what is resent holds no plaintext), and the settled snapshots and pages of
 * IndexedDB are dropped (folded states cannot be scrubbed field by field; the server serves them
 * scrubbed again). Then the states are folded again: from the first event when the window
 * starts at one, else with the earlier history paged in again
 * (`hot.replaceReducer(r, { refold: 'all' })`).
 */
export async function scrubForgotten(
  target: ScrubTarget,
  personal: PersonalData,
  forgotten: ReadonlySet<string>,
): Promise<void> {
  const core = internalsOf<unknown>(target.store)
  const scrub = scrubber(personal, forgotten, target.codec)
  // What each command's events lost, to scrub the command with.
  const lostBy = new Map<string | undefined, Set<unknown>>()
  const conflicts = target.conflicts.getSnapshot()
  for (const r of target.conflicts.recent) r.event = scrub.event(r.event, new Set()) ?? r.event
  for (const entry of [
    ...events(core),
    ...conflicts.flatMap((c) => c.events),
  ] as MutableEventEntry[]) {
    const lost = lostBy.get(entry.commandId) ?? new Set()
    const next = scrub.event(entry.event, lost)
    if (!next) continue
    lostBy.set(entry.commandId, lost)
    retype(entry, next, 'event')
  }
  for (const entry of [
    ...core.commands,
    ...conflicts.map((c) => c.command),
  ] as MutableCommandEntry[]) {
    const lost = lostBy.get(entry.id)
    const next = lost && leaking(entry.command, lost)
    if (next) retype(entry, next as AnyEvent, 'command')
  }
  await target.storage.scrub?.(scrub.record)
  if (lostBy.size || core.start) {
    ;(target.store as Store<unknown>).hot.replaceReducer(
      core.reducer,
      core.start ? { refold: 'all' } : undefined,
    )
    await core.refolding
  }
}

// An entry's event or command replaced, with the fields the store reads from it.
function retype(
  entry: MutableEventEntry | MutableCommandEntry,
  value: AnyEvent,
  key: 'event' | 'command',
): void {
  Object.assign(entry, {
    [key]: value,
    type: value.type,
    payload: (value as { payload?: unknown }).payload,
  })
}
