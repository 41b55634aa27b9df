import type { JsonValue } from '../../protocol'
import { type PersonalData, scrubPayload } from '../../protocol/personal'
import { sessionSerializer } from '../../protocol/values'
import { fold, foldStored, initial, overAllTenants } from '../projections'
import type { Kept } from '../snapshotLive'
import type { Projection, Storage, StorageTx, StoredEvent } from '../types'
import { erasureTx, sealedSubject } from './personal'
import { type ForgetContext, hookFailed, scrubState } from './scrub'

/**
 * A forget makes JSON projections' states without the subject's fields in two parts, so that
 * appends of the tenant wait only for the second (see forgetSubject):
 *
 * 1. `prepare`, before the forget's transaction and outside the append lock: a projection with a
 *    `forget` hook has its checkpoint scrubbed by it (the state's size); the others are folded
 *    again from the first event (`prefold`), every stored event read as it will read once the
 *    key is gone (the subject's fields as the placeholder), all of them in one pass over the
 *    events. That cost grows with the history; appends go on meanwhile.
 * 2. `finish`, inside the transaction that deletes the key: the events stored since (now erased,
 *    the key is gone in this transaction) and the audit event, saved over the old state. Its
 *    cost is what was appended during the first part.
 *
 * No reader sees a state with the fields after the audit event: the old state stays until the
 * transaction that deletes the key replaces it.
 */
export interface Prefolded {
  projection: Projection
  /** Folded up to here, in the projection's order (global or the tenant's). */
  until: number
  state: Awaited<ReturnType<typeof fold>>
}

const BATCH = 1000
/** A prefold folds this many events between turns of the event loop (appends go on meanwhile). */
const PREFOLD_BATCH = 1000
const nextTurn = () =>
  new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  )

/** Whether a projection may hold a personal field: it reads a type that has some, or every type. */
export const mayHoldPersonal = (projection: Projection, personal: PersonalData | undefined) =>
  personal !== undefined &&
  (!projection.types || projection.types.some((type) => Object.hasOwn(personal, type)))

/** The events as readers will see them once `subject` of `tenant` is forgotten. */
function scrubbed(
  personal: PersonalData,
  tenant: string,
  subject: string,
  events: readonly StoredEvent[],
): StoredEvent[] {
  const forgotten = new Set([subject])
  return events.map((event) => {
    if (event.tenant !== tenant) return event
    const payload = scrubPayload(personal, event.type, event.payload, forgotten)
    return payload === undefined ? event : { ...event, payload }
  })
}

/**
 * Each projection's state without the subject (see above): scrubbed by its hook from its
 * checkpoint, or, without a hook, when it has no checkpoint yet or its hook threw (reported to
 * `onError`, the forget goes on), folded again.
 */
export async function prepare(
  storage: Storage,
  personal: PersonalData,
  projections: readonly Projection[],
  context: ForgetContext,
  onError: (error: unknown) => void,
): Promise<Map<Projection, Prefolded>> {
  const out = new Map<Projection, Prefolded>()
  const refold: Projection[] = []
  for (const projection of projections) {
    const scrubbed = projection.forget && (await scrub(storage, projection, context, onError))
    if (scrubbed) out.set(projection, scrubbed)
    else refold.push(projection)
  }
  // One pass over the tenant's events for those per tenant, one over all for those over all.
  for (const all of [false, true]) {
    const group = refold.filter((p) => overAllTenants(p) === all)
    if (group.length)
      for (const pre of await prefold(storage, personal, group, context, all))
        out.set(pre.projection, pre)
  }
  return out
}

async function scrub(
  storage: Storage,
  projection: Projection,
  context: ForgetContext,
  onError: (error: unknown) => void,
): Promise<Prefolded | undefined> {
  const scope = overAllTenants(projection) ? undefined : context.tenant
  const checkpoint = await storage.loadCheckpoint(projection.name, scope)
  if (!checkpoint) return undefined
  try {
    const state = scrubState(projection.forget!, checkpoint.state, context, 'thawed')
    return { projection, until: checkpoint.position, state }
  } catch (cause) {
    onError(hookFailed('projection', projection.name, context.subject, cause))
    return undefined
  }
}

/** Folds `projections` (all per tenant, or all over every tenant) from the first event, in one pass. */
async function prefold(
  storage: Storage,
  personal: PersonalData,
  projections: readonly Projection[],
  { tenant, subject }: ForgetContext,
  all: boolean,
): Promise<Prefolded[]> {
  const pres = projections.map((projection) => ({
    projection,
    until: 0,
    state: initial(projection),
  }))
  let until = 0
  for (;;) {
    const { events } = await storage.read({
      after: until,
      limit: PREFOLD_BATCH,
      tenant: all ? undefined : tenant,
    })
    if (!events.length) break
    const read = scrubbed(personal, tenant, subject, events)
    for (const pre of pres) pre.state = await fold(pre.projection, pre.state, read)
    const last = events.at(-1)!
    until = all ? last.position : last.tenantPosition
    for (const pre of pres) pre.until = until
    if (events.length < PREFOLD_BATCH) break
    await nextTurn()
  }
  return pres
}

/** Inside the forget's transaction: folds what came after the prefold and the audit, and saves. */
export async function finish(tx: StorageTx, pre: Prefolded, tenant: string, audit: StoredEvent) {
  const { projection } = pre
  const all = overAllTenants(projection)
  const scope = all ? undefined : tenant
  const last = all ? audit.position : audit.tenantPosition
  // Its position moves to the audit event, so a background fold that started before
  // (compare-and-set on the old position) cannot save over it.
  let state = await foldStored(tx, projection, pre.state, pre.until, last - 1, scope)
  state = await fold(projection, state, [audit])
  await tx.saveCheckpoint(projection.name, { position: last, state }, scope)
}

/** A prefold of nothing, for `finish` to fold everything inside the transaction. */
export const fromStart = (projection: Projection): Prefolded => ({
  projection,
  until: 0,
  state: initial(projection),
})

/**
 * The tenant position of the subject's first sealed field: as its key row recorded it when the
 * key was made; for a key made before rows recorded it, read from the stored events as they are
 * (the envelope names its subject in clear: nothing is deciphered), or, when none is found, the
 * position after the last event read. Server snapshots kept before it hold none of the subject's
 * fields. The scan reads the tenant's events up to that one (a whole history for a subject seen
 * late): only keys older than the column pay it.
 */
export async function firstSealed(
  raw: Storage,
  personal: PersonalData,
  tenant: string,
  subject: string,
): Promise<number> {
  const recorded = await raw.firstSealed?.(tenant, subject)
  return typeof recorded === 'number' ? recorded : scanFirstSealed(raw, personal, tenant, subject)
}

async function scanFirstSealed(
  raw: Storage,
  personal: PersonalData,
  tenant: string,
  subject: string,
): Promise<number> {
  let after = 0
  for (;;) {
    const { events } = await raw.read({ after, limit: BATCH, tenant })
    for (const event of events) {
      if (sealedSubject(personal, event) === subject) return event.tenantPosition
    }
    if (events.length < BATCH) return (events.at(-1)?.tenantPosition ?? after) + 1
    after = events.at(-1)!.tenantPosition
  }
}

/**
 * A server snapshot's states as they were before tenant position `from` (the subject's first
 * event): those kept from there on are deleted, whatever `keepEvery` kept them (one statement
 * on the name's prefix and the position), and the latest becomes the last kept before, or stale
 * (folded again from the first event) when there is none.
 */
export async function rewindSnapshot(
  tx: StorageTx,
  tenant: string,
  from: number,
  snapshot: { latest: string; kept: (position: number) => string; every: number; v: string },
): Promise<void> {
  const { every } = snapshot
  // `kept(0)` without its 0: the prefix of every kept state's name.
  await erasureTx(tx).deleteCheckpoints(tenant, snapshot.kept(0).slice(0, -1), from)
  const latest = await tx.loadCheckpoint(snapshot.latest, tenant)
  if (latest && latest.position < from) return
  const base = Math.floor((from - 1) / every) * every
  const kept = base > 0 ? await tx.loadCheckpoint(snapshot.kept(base), tenant) : undefined
  const usable = kept && (kept.state as unknown as Kept).v === snapshot.v
  const stale: Kept = { v: '', streams: {}, s: sessionSerializer.serialize(null) }
  await tx.saveCheckpoint(
    snapshot.latest,
    usable ? kept : { position: 0, state: stale as unknown as JsonValue },
    tenant,
  )
}
