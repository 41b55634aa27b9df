import {
  encodeToken,
  type JsonValue,
  PROTOCOL_VERSION,
  StrataWireError,
  type WireEvent,
} from '../../protocol'
import { isStorableString } from '../../protocol/json'
import {
  ERASURE_STREAM,
  FORGOTTEN_TYPE,
  type ForgottenPayload,
  SERVER_CLIENT_ID,
} from '../../protocol/personal'
import { type AppendOptions, prepareEvent, type WriteOptions, writeBatch } from '../append'
import { tenantOf } from '../auth'
import { fold, foldStored, initial, overAllTenants } from '../projections'
import { fromStorage } from '../respond'
import type { SnapshotRunner } from '../snapshots'
import { requestRebuild } from '../tables/admin'
import type { Principal, Projection, Storage, StorageTx, StoredEvent } from '../types'
import type { OpenedCache } from './cache'
import { erasureTx } from './personal'

/** `POST /subjects/<id>/forget` 200 body. */
export interface ForgetResponse {
  protocol: number
  subject: string
  /** The position of the audit event: clients that have read up to it have scrubbed. */
  token: string
}

export interface ForgetDeps {
  /** The store as the server reads it (personal fields opened). */
  storage: Storage
  /** How appends write (the audit event is written as one), and the limits an event keeps. */
  append: WriteOptions & Pick<AppendOptions, 'limits'>
  projections: readonly Projection[]
  snapshots: SnapshotRunner
  /** Told after each forget, for read models the server does not fold itself (SQL tables). */
  onForget?: ((info: { tenant: string; subject: string }) => void | Promise<void>) | undefined
  /** Table projections: each is rebuilt into new tables from the events as they read now. */
  tables?: readonly string[] | undefined
  /** Emptied: nothing opened before stays in this process's memory. */
  opened?: OpenedCache | undefined
}

/**
 * Forgets a subject of the caller's tenant (an admin action): deletes its key, so every sealed
 * copy of its fields becomes unreadable, and in the same transaction records the audit event
 * (who, when, which subject) and folds every JSON projection again from the first event, so no
 * state keeps the fields. Server snapshots are dropped and folded again after it. The answer
 * is the same whether the subject ever had data, and only the caller's tenant is touched.
 */
export async function forgetSubject(
  deps: ForgetDeps,
  principal: Principal,
  subject: string,
): Promise<ForgetResponse> {
  if (principal.admin !== true) {
    throw new StrataWireError(
      'forbidden',
      `Forgetting a subject is an admin action; principal ${JSON.stringify(principal.id)} is not an admin`,
    )
  }
  if (!subject || subject.length > 512 || !isStorableString(subject)) {
    throw new StrataWireError('bad_request', 'The subject must be 1 to 512 characters of text', {
      path: ['subject'],
    })
  }
  const tenant = tenantOf(principal)
  const payload: ForgottenPayload = { subject, by: principal.id, at: Date.now() }
  const audit = await fromStorage(
    deps.storage.append(async (tx) => {
      await erasureTx(tx).deleteSubjectKey(tenant, subject)
      const event = await writeAudit(tx, deps.append, tenant, payload)
      for (const projection of deps.projections) await refold(tx, projection, tenant, event)
      return event
    }),
  )
  deps.opened?.clear()
  await fromStorage(deps.snapshots.forget(tenant))
  for (const name of deps.tables ?? []) {
    // The runner builds the new generation in the background and drops the old tables (with
    // the fields) once it has caught up. A projection never built yet holds nothing to scrub.
    await requestRebuild(deps.storage, name).catch((error: Error) => {
      if (!error.message.startsWith('No table projection')) throw error
    })
  }
  await deps.onForget?.({ tenant, subject })
  await fromStorage(deps.storage.wipeDeleted?.() ?? Promise.resolve())
  return {
    protocol: PROTOCOL_VERSION,
    subject,
    token: encodeToken(audit.tenantPosition),
  }
}

/**
 * Writes the audit event as any batch is written (`writeBatch`): the server is a client of its
 * own (`SERVER_CLIENT_ID`), so the event takes the next positions, stream version, fingerprint,
 * receipt and limits like a client's, and its commit wakes the tenant's readers. Inline JSON
 * projections are left to `refold`, which replaces their state in the same transaction.
 */
async function writeAudit(
  tx: StorageTx,
  options: ForgetDeps['append'],
  tenant: string,
  payload: ForgottenPayload,
): Promise<StoredEvent> {
  const client = await tx.client(tenant, SERVER_CLIENT_ID)
  const event: WireEvent = {
    clientSeq: (client?.lastSeq ?? 0) + 1,
    id: crypto.randomUUID(),
    stream: ERASURE_STREAM,
    type: FORGOTTEN_TYPE,
    payload: payload as unknown as JsonValue,
    at: payload.at,
  }
  // The app's schema is for its clients' events: the server's own are not its to refuse.
  const server = { id: SERVER_CLIENT_ID, tenant }
  const prepared = await prepareEvent({ ...options, validate: undefined }, server, event, 0)
  const plan = await writeBatch(
    tx,
    { ...options, inline: [] },
    { clientId: SERVER_CLIENT_ID, principalId: SERVER_CLIENT_ID, tenant, events: [prepared] },
  )
  const stored = plan.inserts[0]
  if (!stored) {
    const error = plan.results[0]?.error
    throw new StrataWireError(
      error?.code ?? 'internal',
      `The audit event of the erasure was refused: ${error?.message ?? 'not stored'}`,
      error?.details ? { details: error.details } : {},
    )
  }
  return stored
}

/**
 * A projection's state folded again from the first event (the forgotten fields now read as the
 * placeholder), saved over the old one. Its position moves to the audit event, so a background
 * fold that started before (compare-and-set on the old position) cannot save over it.
 */
async function refold(tx: StorageTx, projection: Projection, tenant: string, audit: StoredEvent) {
  const all = overAllTenants(projection)
  const scope = all ? undefined : tenant
  const last = all ? audit.position : audit.tenantPosition
  let state = await foldStored(tx, projection, initial(projection), 0, last - 1, scope)
  state = await fold(projection, state, [audit])
  await tx.saveCheckpoint(projection.name, { position: last, state }, scope)
}
