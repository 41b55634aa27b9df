import type { AnyEvent, Store } from '@strata/state'
import type { MutableCommandEntry, MutableEventEntry } from '../core/entries'
import { events, internalsOf } from '../core/internals'
import type { JsonValue, StoredWireEvent } from '../protocol/index'
import { ERASED, forgottenSubject, type PersonalData, scrubPayload } from '../protocol/personal'
import type { SyncContext } from './context'
import { type DraftEvent, STALE, type WireFields } from './storage'
import type { EventCodec } from './types'

/** The subjects a page of pulled events says were forgotten (genuine audit events only). */
export const forgottenIn = (events: readonly StoredWireEvent[]) =>
  new Set(events.map(forgottenSubject).filter(Boolean) as string[])

// Scrubs events and commands of forgotten subjects. The declaration names wire fields, so a
// store event goes through the codec: encoded, its wire payload scrubbed, decoded back when
// something changed (the default codec's events are their own wire shape; a custom codec's may
// be any shape, a class instance too).
//
// The declaration also applies by type to the payload of the store's own objects: a command of a
// declared type (without command handlers, a command has its event's type), and a store event's
// fields that the codec does not send. A command then loses every string holding a value it or
// its events lost (the whole string: a name inside a longer text goes too), and every number
// equal to one: that also covers a command type not declared, through the events it made.
export function scrubber(
  personal: PersonalData,
  forgotten: ReadonlySet<string>,
  codec: EventCodec,
) {
  // A payload scrubbed by the declaration of `type`, the strings and numbers it lost put in `lost`.
  const scrub = (type: string, payload: unknown, lost: Set<unknown>) =>
    scrubPayload(personal, type, payload, forgotten, (v) => leaves(v, lost)) as
      | { [field: string]: JsonValue }
      | undefined
  // A store event or command scrubbed by its own type, its prototype kept; undefined if unchanged.
  const own = (e: AnyEvent, lost: Set<unknown>): AnyEvent | undefined => {
    const payload = scrub(e.type, (e as { payload?: unknown }).payload, lost)
    return payload && Object.assign(Object.create(Object.getPrototypeOf(e)), e, { payload })
  }
  // The event scrubbed through the codec, then by its own type; undefined when nothing is theirs.
  const event = (e: AnyEvent, lost: Set<unknown>): AnyEvent | undefined => {
    let next: AnyEvent | undefined
    try {
      const w = codec.encode(e)
      const payload = scrub(w.type, w.payload, lost)
      next = payload && codec.decode({ type: w.type, payload })
    } catch {}
    return own(next ?? e, lost) ?? next
  }
  // A command, given what its events lost.
  const command = (c: AnyEvent, lost: Set<unknown>): AnyEvent | undefined => {
    const next = own(c, lost)
    return (leaking(next ?? c, lost) as AnyEvent | undefined) ?? next
  }
  // An outbox record (a draft or a claimed event): its store event, wire fields and command.
  const record = <R extends DraftEvent & { wire?: WireFields }>(r: R): R | undefined => {
    const lost = new Set<unknown>()
    const next = { ...r }
    const e = event(r.event, lost)
    if (e) next.event = e as R['event']
    const wire = r.wire && own(r.wire as AnyEvent, lost)
    if (wire) next.wire = wire as WireFields
    const c = r.command && command(r.command.command, lost)
    if (c) next.command = { ...r.command!, command: c as R['event'] }
    return lost.size ? next : undefined
  }
  return { event, command, record }
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
 * After an erasure, one at a time. `pulled`: subjects the server said were forgotten (its audit
 * events in a pull). Their fields become the placeholder in the store's events and commands (see
 * `scrubber`), in the lost commands of `sync.conflicts` and the events they lost to, and in the
 * events pulled from then on (one in flight meanwhile); in storage, the outbox is scrubbed (drafts
 * and claimed events, so what is resent holds no plaintext) and the settled snapshots and pages
 * are dropped (folded states cannot be scrubbed field by field; the server serves them scrubbed
 * again), and the other tabs are told. Then the states are folded again: from the first event
 * when the window starts at one, else with the earlier history paged in again
 * (`hot.replaceReducer(r, { refold: 'all' })`).
 *
 * Then, and without `pulled` (another tab's message, a write refused as STALE), the tab catches
 * up with the erasures other tabs scrubbed from storage: its memory is scrubbed of them the same
 * way, and its writes are taken again (the refused ones go again).
 */
export function scrubForgotten(ctx: SyncContext, pulled?: ReadonlySet<string>): Promise<void> {
  const run = (ctx.erasing ?? Promise.resolve()).then(async () => {
    if (pulled) await scrub(ctx, pulled, true)
    await ctx.storage.caughtUp?.((subjects) => scrub(ctx, subjects))
  })
  ctx.erasing = run.catch(() => {})
  return run
}

/** Runs `write`, again after catching up as long as storage refuses it as STALE. */
export const unlessStale = (ctx: SyncContext, write: () => Promise<void>): Promise<void> =>
  write().catch((error) => {
    if (error !== STALE) throw error
    return scrubForgotten(ctx).then(() => unlessStale(ctx, write))
  })

/** Scrubs this tab of `subjects` (those it has not scrubbed yet); its storage too if `pulled`. */
async function scrub(
  ctx: SyncContext,
  subjects: Iterable<string>,
  pulled?: boolean,
): Promise<void> {
  const personal = ctx.config.personal
  const forgotten = new Set([...subjects].filter((s) => !ctx.forgotten?.has(s)))
  if (!personal || !forgotten.size) return
  const core = internalsOf<unknown>(ctx.store)
  const scrub = scrubber(personal, forgotten, ctx.codec)
  // What each command and its events lost, to scrub the command with.
  const lostBy = new Map<string | undefined, Set<unknown>>()
  const conflicts = ctx.conflicts.getSnapshot()
  for (const r of ctx.conflicts.recent) r.event = scrub.event(r.event, new Set()) ?? r.event
  // Events first: a command is scrubbed with what its events lost (keyed by the command's id).
  for (const [key, list] of [
    ['event', [...events(core), ...conflicts.flatMap((c) => c.events)]],
    ['command', [...core.commands, ...conflicts.map((c) => c.command)]],
  ] as const) {
    for (const entry of list as (MutableEventEntry & MutableCommandEntry)[]) {
      const id = entry.commandId ?? entry.id
      const lost = lostBy.get(id) ?? new Set()
      const next = scrub[key](entry[key], lost)
      if (!next) continue
      lostBy.set(id, lost)
      // With the fields the store reads from it.
      Object.assign(entry, { [key]: next, type: next.type, payload: (next as any).payload })
      // A handler's rejection that quotes the command: its text goes too (the same error object
      // wherever it is held).
      const error = entry.error as Error
      if (leaking(error?.message, lost)) error.message = error.stack = 'erased'
    }
  }
  ctx.forgotten = new Set([...(ctx.forgotten ?? []), ...forgotten])
  if (pulled) {
    await ctx.storage.scrub?.(scrub.record, [...forgotten])
    ctx.broadcast({ kind: 'forgotten' })
  }
  if (lostBy.size || core.start) {
    ;(ctx.store as Store<unknown>).hot.replaceReducer(
      core.reducer,
      core.start ? { refold: 'all' } : undefined,
    )
    await core.refolding
  }
}
