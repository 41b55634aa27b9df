import type { StoredEvent } from '../types'
import { applyEvents } from './apply'
import { ddlOf, type TableProjection } from './define'
import { dropHold, type Hold, holdOf, holdsOf, saveHold, shadowOf } from './holds'
import type { Failure, Generation } from './meta'
import { type TableMap, TENANT_COLUMN } from './scoped'
import type { TableTx } from './storage'

/** The tables a tenant's rebuild fills: the generation's, under their shadow names. */
export function shadowMap(map: TableMap, gen: Generation): TableMap {
  const real = new Map([...map.real].map(([table, name]) => [table, shadowOf(gen, name)]))
  return { ...map, real }
}

/** The tenants whose events the generation skips: those stopped at an event of theirs. */
export async function stoppedTenants(tx: TableTx, gen: Generation): Promise<Set<string>> {
  const holds = await holdsOf(tx.db, tx.dialect, gen)
  return new Set(holds.filter((h) => h.kind === 'stopped').map((h) => h.tenant))
}

/**
 * The held tenant's next events, up to the generation's position (the events after it are the
 * generation's to apply, once the hold is gone): `caughtUp` when none is left after them.
 */
async function nextOf(tx: TableTx, projection: TableProjection, gen: Generation, hold: Hold) {
  const read = await tx.readEvents(hold.position, projection.batchSize, hold.tenant)
  const events = read.filter((e) => e.position <= gen.position)
  return { events, caughtUp: events.length < projection.batchSize }
}

/** Where a hold's rows go: the tenant's own, or the shadow tables of its rebuild. */
const targetOf = (hold: Hold, map: TableMap, shadow: TableMap) =>
  hold.kind === 'rebuild' ? shadow : map

/**
 * One batch of a held tenant, in `tx` (which holds the projection's lock): its events after the
 * hold's position, applied to its rows (stopped) or its shadow rows (rebuild). Caught up, the
 * hold goes: a stopped tenant's events are the generation's again, and a rebuilt tenant's shadow
 * rows replace its own (`swapped`: the rows deleted hold what a forget forgot). Throws `ApplyFailure` as `applyEvents` does (the caller rolls back).
 */
export async function fillHold(
  tx: TableTx,
  projection: TableProjection,
  gen: Generation,
  hold: Hold,
  map: TableMap,
  shadow: TableMap,
): Promise<'more' | 'done' | 'swapped'> {
  if (hold.kind === 'rebuild' && hold.position === 0) {
    // A rebuild (again) from the first event: its shadow tables, empty of the tenant.
    for (const statement of ddlOf(projection, shadow, tx.dialect)) await tx.db.run(statement)
    await deleteTenant(tx, [...shadow.real.values()], hold.tenant)
  }
  const { events, caughtUp } = await nextOf(tx, projection, gen, hold)
  await applyEvents(tx, projection, targetOf(hold, map, shadow), events)
  if (!caughtUp) {
    const position = events.at(-1)!.tenantPosition
    await saveHold(tx.db, tx.dialect, gen, { ...hold, position, error: null })
    return 'more'
  }
  await dropHold(tx.db, tx.dialect, gen, hold.tenant)
  if (hold.kind !== 'rebuild') return 'done'
  await swapIn(tx, map, shadow, hold.tenant)
  return 'swapped'
}

/** After a held tenant's batch failed on `failure`: applies the events before it, and records it. */
export async function keepHoldBefore(
  tx: TableTx,
  projection: TableProjection,
  gen: Generation,
  tenant: string,
  failure: Failure,
  map: TableMap,
  shadow: TableMap,
): Promise<void> {
  const hold = await holdOf(tx.db, tx.dialect, gen, tenant)
  if (!hold) return
  const { events } = await nextOf(tx, projection, gen, hold)
  const before = events.filter((e) => e.position < failure.position)
  await applyEvents(tx, projection, targetOf(hold, map, shadow), before)
  const position = before.at(-1)?.tenantPosition ?? hold.position
  await saveHold(tx.db, tx.dialect, gen, { ...hold, position, error: failure })
}

/**
 * The generation's own batch failed on an event of `failure.tenant`: that tenant stops at the
 * event before it (its rows keep every event before), and the generation moves past the event,
 * for the other tenants. A tenant whose rebuild was under way has its shadow rows (without the
 * forgotten fields) swapped in first and stops where they stand.
 */
export async function stopTenant(
  tx: TableTx,
  gen: Generation,
  failure: Failure,
  map: TableMap,
  shadow: TableMap,
): Promise<void> {
  const { tenant } = failure
  const rebuild = await holdOf(tx.db, tx.dialect, gen, tenant)
  let position = failure.tenantPosition - 1
  if (rebuild) {
    // At 0 its shadow tables may not exist yet: its rows go, and it stops at its first event.
    if (rebuild.position === 0) await deleteTenant(tx, [...map.real.values()], tenant)
    else await swapIn(tx, map, shadow, tenant)
    position = rebuild.position
  }
  await saveHold(tx.db, tx.dialect, gen, { tenant, kind: 'stopped', position, error: failure })
}

/** The events of a batch of the generation's own that are its to apply (no stopped tenant's). */
export const unheld = (events: readonly StoredEvent[], stopped: ReadonlySet<string>) =>
  stopped.size ? events.filter((e) => !stopped.has(e.tenant)) : events

async function deleteTenant(tx: TableTx, tables: readonly string[], tenant: string) {
  for (const table of tables)
    await tx.db.run(`DELETE FROM ${table} WHERE ${TENANT_COLUMN} = ?`, [tenant])
}

/** The tenant's shadow rows become its rows, in one transaction: the cost of its rows. */
async function swapIn(tx: TableTx, map: TableMap, shadow: TableMap, tenant: string) {
  await deleteTenant(tx, [...map.real.values()], tenant)
  for (const [table, real] of map.real) {
    const from = shadow.real.get(table)!
    await tx.db.run(`INSERT INTO ${real} SELECT * FROM ${from} WHERE ${TENANT_COLUMN} = ?`, [
      tenant,
    ])
  }
  await deleteTenant(tx, [...shadow.real.values()], tenant)
}

/**
 * A forget of one of the tenant's subjects, for a projection per tenant without a `forget` hook:
 * each generation of it that holds rows rebuilds that tenant's rows from its first event, beside
 * the rows it serves meanwhile (its reads wait for the swap). A tenant stopped at an event has
 * its rows emptied and applied again from its first event instead (its reads already waited for
 * the event it stopped at). A generation of another version than `version` (the old one live
 * while this one is built, or a newer one) is not this code's to apply: the tenant's rows in it
 * (and in its shadow tables) go now, and a process of that version, if any, rebuilds them; else
 * its reads wait until this version goes live. Nothing of another tenant's rows, positions or
 * status changes.
 */
export async function requestTenantRebuild(
  tx: TableTx,
  gens: readonly Generation[],
  tenant: string,
  version: number,
): Promise<void> {
  for (const gen of gens) {
    if (gen.position === 0) continue
    const hold = await holdOf(tx.db, tx.dialect, gen, tenant)
    const foreign = gen.version !== version
    if (hold?.kind === 'stopped' || foreign) await deleteTenant(tx, gen.tables, tenant)
    // Shadow rows exist while a rebuild is under way (its tables are made at position 0).
    if (foreign && hold?.kind === 'rebuild' && hold.position > 0)
      await deleteTenant(
        tx,
        gen.tables.map((t) => shadowOf(gen, t)),
        tenant,
      )
    const kind = hold?.kind ?? 'rebuild'
    await saveHold(tx.db, tx.dialect, gen, { tenant, kind, position: 0, error: null })
  }
}
