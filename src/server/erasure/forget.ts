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
import { serverPrincipal, tenantOf } from '../auth'
import { fromStorage } from '../respond'
import type { SnapshotRunner } from '../snapshots'
import { requestRebuild } from '../tables/admin'
import type { TableProjection } from '../tables/define'
import { scrubTables } from '../tables/forget'
import type { Principal, Projection, Storage, StorageTx, StoredEvent } from '../types'
import type { OpenedCache } from './cache'
import { erasureTx } from './personal'
import { finish, firstSealed, fromStart, mayHoldPersonal, prepare } from './refold'
import { type ForgetContext, forgetContext } from './scrub'

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
  /** The same as stored (sealed fields as envelopes). */
  raw: Storage
  /** How appends write (the audit event is written as one), and the limits an event keeps. */
  append: WriteOptions & Pick<AppendOptions, 'limits'>
  projections: readonly Projection[]
  snapshots: SnapshotRunner
  /** Told after each forget, for read models the server does not fold itself (SQL tables). */
  onForget?: ((info: { tenant: string; subject: string }) => void | Promise<void>) | undefined
  /** Table projections: scrubbed by their hook, or rebuilt into new tables from the events. */
  tables?: readonly TableProjection[] | undefined
  /** Emptied of the tenant: nothing of it opened before stays in this process's memory. */
  opened?: OpenedCache | undefined
  /**
   * Whether the next forget wipes deleted pages even if it deletes nothing (true at start and
   * after a wipe failed: a forget tried again finishes the job). Shared by the server's forgets.
   */
  wipe?: { due: boolean } | undefined
  /** Told when a `forget` hook throws (the forget goes on, folding that state again instead). */
  onError: (error: unknown) => void
}

/**
 * Forgets a subject of the caller's tenant (an admin action): deletes its key, so every sealed
 * copy of its fields becomes unreadable, and in the same transaction records the audit event
 * (who, when, which subject) and saves every JSON projection and server snapshot that may hold
 * the fields without them. A state with a `forget` hook is scrubbed by it (the cost of the
 * state); the others are folded again (JSON projections from the first event, snapshots from
 * the state kept before the subject's first event, which its key row records). The long parts
 * run before, outside the append lock (erasure/refold.ts, snapshotErasure.ts): appends of the
 * tenant wait only for the events that came meanwhile. It answers once no derived state the
 * server keeps holds the fields (a snapshot folding forward serves the state it went back to
 * meanwhile); the answer is the same whether the subject ever had data, and only the caller's
 * tenant is touched.
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
  const { personal } = deps.append
  // A subject without a key has no sealed field: nothing derived holds one, nothing to fold.
  const keyed = personal
    ? (await fromStorage(deps.raw.subjectKeys!(tenant, [subject]))).size > 0
    : false
  const context = forgetContext(personal ?? {}, tenant, subject)
  const refolded = deps.projections.filter((p) => mayHoldPersonal(p, personal))
  // The tenant's count of erasures before the states below are read (see the transaction).
  const erasures = keyed ? await fromStorage(deps.raw.erasures!(tenant)) : undefined
  const pre = keyed
    ? await fromStorage(prepare(deps.storage, personal!, refolded, context, deps.onError))
    : new Map()
  const scrubbed = keyed ? await fromStorage(deps.snapshots.scrubForget(context)) : new Map()
  // Where the subject's fields start (recorded with its key; a scan for keys older than that),
  // for snapshots to go back to. A key made after the look above (a first event of the subject
  // meanwhile): from the first event.
  const first =
    keyed && deps.snapshots.size > 0
      ? await fromStorage(firstSealed(deps.raw, personal!, tenant, subject))
      : 1
  const payload: ForgottenPayload = { subject, by: principal.id, at: Date.now() }
  const { audit, existed, due } = await fromStorage(
    deps.storage.append(async (tx) => {
      const keys = erasureTx(tx)
      const existed = await keys.deleteSubjectKey(tenant, subject)
      // Also when an earlier forget of the subject committed but did not finish what follows.
      const due = existed || (await keys.forgetDue?.(tenant, subject)) === true
      const scrub = existed ? refolded : []
      // Another forget of the tenant committed since the states were prepared: they may hold
      // that subject's fields (read while its key was there). Folded again here instead.
      const since = (await tx.streamVersions(tenant, [ERASURE_STREAM])).get(ERASURE_STREAM) ?? 0
      const stale = since !== erasures
      const inline = deps.append.inline.filter((p) => !scrub.includes(p))
      const audit = await writeAudit(tx, { ...deps.append, inline }, tenant, payload)
      for (const projection of scrub) {
        await finish(tx, (!stale && pre.get(projection)) || fromStart(projection), tenant, audit)
      }
      // A snapshot scrubbed before then keeps its position when saved: scrubbed again here.
      const fresh = stale ? new Map() : scrubbed
      if (existed) await deps.snapshots.installForget(tx, first, fresh, context)
      return { audit, existed, due }
    }),
  )
  const token = encodeToken(audit.tenantPosition)
  try {
    await afterCommit(deps, context, existed, due)
  } catch (cause) {
    // The key is gone and the audit stored: not "nothing was stored". A repeat deletes nothing
    // and finishes what is still due (the table projections, onForget, the wipe).
    throw new StrataWireError(
      'unavailable',
      `Subject ${JSON.stringify(subject)} is forgotten (its key is deleted, the forget recorded), but a step after it failed (scrubbing table projections, onForget or wiping deleted pages); forgetting it again finishes them`,
      { cause, details: { subject, token } },
    )
  }
  return {
    protocol: PROTOCOL_VERSION,
    subject,
    token,
  }
}

/**
 * What follows a forget's commit: derived read models scrubbed or rebuilt, deleted pages wiped.
 * `due`: the table projections' part is not done yet (this forget deleted the key, or an earlier
 * one did and failed or crashed before it finished); the store records when it is (`forgetDone`),
 * so a forget tried again, in any process, after a restart too, does it again (each step may run
 * twice: a hook's statements give the same rows, a rebuild starts over).
 */
async function afterCommit(
  deps: ForgetDeps,
  context: ForgetContext,
  existed: boolean,
  due: boolean,
) {
  const { tenant, subject } = context
  const wipe = deps.wipe ?? { due: true }
  // Due until done: a forget tried again after a later step failed finishes the job.
  if (existed) wipe.due = true
  deps.opened?.drop(tenant)
  if (due) {
    deps.snapshots.forgotten(tenant)
    await scrubTablesOf(deps, context)
    await fromStorage(deps.storage.forgetDone?.(tenant, subject) ?? Promise.resolve())
  }
  await deps.onForget?.({ tenant, subject })
  // Only when something was deleted: on PostgreSQL a wipe is VACUUM FULL of every tenant's
  // checkpoints and a WAL switch, which any tenant's admin could loop on subjects never seen.
  if (existed || wipe.due) {
    wipe.due = true
    await fromStorage(deps.storage.wipeDeleted?.() ?? Promise.resolve())
    wipe.due = false
  }
}

/** The table projections without the subject's fields: scrubbed by their hook, or rebuilt. */
async function scrubTablesOf(deps: ForgetDeps, context: ForgetContext): Promise<void> {
  const runner = deps.append.tables
  if (runner) await fromStorage(runner.ready)
  const kick = (name: string) => runner?.kick(name)
  const rebuild = await scrubTables(deps.storage, deps.tables ?? [], context, deps.onError, kick)
  for (const name of rebuild) {
    // Over all tenants: the runner builds a new generation in the background (one under way
    // starts again) and drops the old tables (with the fields) once it has caught up. A
    // projection never built yet holds nothing to scrub.
    await requestRebuild(deps.storage, name, { restart: true }).catch((error: Error) => {
      if (!error.message.startsWith('No table projection')) throw error
    })
  }
}

/**
 * Writes the audit event as any batch is written (`writeBatch`): the server is a client of its
 * own (`SERVER_CLIENT_ID`), so the event takes the next positions, stream version, fingerprint,
 * receipt and limits like a client's, and its commit wakes the tenant's readers. The inline JSON
 * projections given are those not folded again (`finish` saves the others).
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
  const server = serverPrincipal(tenant)
  const prepared = await prepareEvent({ ...options, validate: undefined }, server, event, 0)
  const plan = await writeBatch(tx, options, {
    clientId: SERVER_CLIENT_ID,
    principalId: SERVER_CLIENT_ID,
    tenant,
    events: [prepared],
  })
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
