import type { JsonValue } from '../../protocol'
import { type PersonalData, scrubPayload } from '../../protocol/personal'
import { sessionSerializer } from '../../protocol/values'
import { fold, foldStored, initial, overAllTenants } from '../projections'
import type { Kept } from '../snapshots'
import type { Projection, Storage, StorageTx, StoredEvent } from '../types'
import { erasureTx, sealedSubject } from './personal'

/**
 * A forget folds JSON projections again without the subject's fields in two parts, so that
 * appends of the tenant wait only for the second (see forgetSubject):
 *
 * 1. `prefold`, before the forget's transaction and outside the append lock: every stored event
 *    read as it will read once the key is gone (the subject's fields as the placeholder), from
 *    the first. Its cost grows with the history; appends go on meanwhile.
 * 2. `finish`, inside the transaction that deletes the key: the events stored since the prefold
 *    read (now erased, the key is gone in this transaction) and the audit event, saved over the
 *    old state. Its cost is what was appended during the prefold.
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

export async function prefold(
  storage: Storage,
  personal: PersonalData,
  projection: Projection,
  tenant: string,
  subject: string,
): Promise<Prefolded> {
  const all = overAllTenants(projection)
  let state = initial(projection)
  let until = 0
  for (;;) {
    const { events } = await storage.read({
      after: until,
      limit: PREFOLD_BATCH,
      tenant: all ? undefined : tenant,
    })
    if (!events.length) break
    state = await fold(projection, state, scrubbed(personal, tenant, subject, events))
    const last = events.at(-1)!
    until = all ? last.position : last.tenantPosition
    if (events.length < PREFOLD_BATCH) break
    await nextTurn()
  }
  return { projection, until, state }
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
