import {
  type EventResult,
  encodeToken,
  type JsonValue,
  type PostEventsResponse,
  PROTOCOL_VERSION,
  parsePostEventsRequest,
  StrataWireError,
} from '../protocol'
import type { PersonalData } from '../protocol/personal'
import { canRead, canWrite, isReservedStream, mayWriteType, tenantOf } from './auth'
import type { OpenedCache } from './erasure/cache'
import { redactedContent } from './erasure/content'
import { sealEvents } from './erasure/personal'
import { bytesOver, eventContent, fingerprint, fingerprintSync } from './fingerprint'
import { type Plan, type PreparedEvent, planAppend, receiptsFrom, refusal } from './plan'
import { applyInline } from './projections'
import { fromStorage } from './respond'
import { applyTablesInline } from './tables/inline'
import type { TableRunner } from './tables/runner'
import type {
  EventValidator,
  Limits,
  Principal,
  Projection,
  Storage,
  StorageTx,
  StoredEvent,
} from './types'
import { validateEvent } from './validate'

export interface AppendOptions {
  storage: Storage
  inline: readonly Projection[]
  validate: EventValidator | undefined
  limits: Limits
  personal?: PersonalData | undefined
  /** Plaintext of what was just sealed, for the readers that follow (erasure/cache.ts). */
  opened?: OpenedCache | undefined
  /** Table projections; the inline ones apply inside the append's transaction. */
  tables?: TableRunner | undefined
}

/**
 * `POST /events`: checks the request outside the transaction (shape, limits, permissions,
 * schemas, fingerprints), then decides and writes inside one. A StrataWireError thrown inside
 * rolls everything back; so does any storage failure, which the route answers with 503.
 */
export async function appendEvents(
  options: AppendOptions,
  principal: Principal,
  body: JsonValue,
): Promise<PostEventsResponse> {
  const request = parsePostEventsRequest(body)
  const { limits } = options
  if (request.events.length > limits.maxEventsPerBatch) {
    throw new StrataWireError(
      'too_large',
      `${request.events.length} events in one request; the limit is ${limits.maxEventsPerBatch}`,
      {
        path: ['events'],
        details: {
          limit: 'maxEventsPerBatch',
          max: limits.maxEventsPerBatch,
          received: request.events.length,
        },
      },
    )
  }
  // A plain loop that awaits only when a validator or Web Crypto needs it: at 100 events a batch,
  // a promise per event is a measurable share of the cost of an append.
  const prepared: PreparedEvent[] = []
  for (let index = 0; index < request.events.length; index++) {
    const done = prepareEvent(options, principal, request.events[index]!, index)
    // `await` on a plain value still costs a microtask turn: only wait on a real promise.
    prepared.push(done instanceof Promise ? await done : done)
  }
  const { tables } = options
  if (tables) await fromStorage(tables.ready)
  const batch = {
    clientId: request.clientId,
    principalId: principal.id,
    tenant: tenantOf(principal),
    events: prepared,
  }
  const plan = await fromStorage(options.storage.append((tx) => writeBatch(tx, options, batch)))
  return {
    protocol: PROTOCOL_VERSION,
    token: encodeToken(plan.token),
    lastSeq: plan.lastSeq,
    results: plan.results.map((r) => {
      const result: EventResult = { clientSeq: r.clientSeq, status: r.status }
      if (r.position !== undefined) result.position = encodeToken(r.position)
      if (r.error) result.error = r.error
      return result
    }),
  }
}

/** What writing a batch needs besides its transaction. */
export type WriteOptions = Pick<AppendOptions, 'inline' | 'personal' | 'opened' | 'tables'>

/** A checked batch of one client: its events as `prepareEvent` made them. */
export interface Batch {
  clientId: string
  principalId: string
  tenant: string
  events: readonly PreparedEvent[]
}

/**
 * Decides and writes a batch inside an append's transaction: a client's `POST /events`, and the
 * events the server writes itself (a forget's audit event), so both take their positions, stream
 * versions, receipts, sealing, inline projections and the commit's wake-ups from one place.
 */
export async function writeBatch(
  tx: StorageTx,
  options: WriteOptions,
  batch: Batch,
): Promise<Plan> {
  const { clientId, tenant, events: prepared } = batch
  const events = prepared.map((p) => p.event)
  const client = await tx.client(tenant, clientId)
  const lastSeq = client?.lastSeq ?? 0
  const from = receiptsFrom(events, lastSeq)
  const last = events.at(-1)?.clientSeq ?? 0
  const fresh = events.filter((e) => e.clientSeq > lastSeq)
  const head = await tx.head()
  const tenantHead = await tx.tenantHead(tenant)
  const plan = planAppend({
    clientId,
    principalId: batch.principalId,
    tenant,
    events: prepared,
    client,
    receipts:
      from === undefined ? [] : await tx.receipts(tenant, clientId, from, Math.min(last, lastSeq)),
    streamVersions: fresh.length
      ? await tx.streamVersions(tenant, [...new Set(fresh.map((e) => e.stream))])
      : new Map(),
    existingIds: fresh.length
      ? await tx.existingIds(
          tenant,
          clientId,
          fresh.map((e) => e.id),
        )
      : new Map(),
    head,
    tenantHead,
  })
  // Personal fields are sealed here, once an event is sure to be stored; inline projections
  // fold them as readers will see them: opened, or erased for a subject forgotten before.
  let read: readonly StoredEvent[] = plan.inserts
  if (plan.inserts.length) {
    const sealed = options.personal
      ? await sealEvents(tx, options.personal, tenant, plan.inserts, options.opened)
      : { stored: plan.inserts, read }
    await tx.insertEvents(sealed.stored)
    read = sealed.read
  }
  if (plan.rejections.length) await tx.insertRejections(plan.rejections)
  if (plan.client) await tx.saveClient(plan.client)
  if (options.inline.length) {
    await applyInline(tx, options.inline, read, { head, tenant, tenantHead })
  }
  const { tables } = options
  if (tables?.inline.length) await applyTablesInline(tx, tables.inline, tables.mapOf, read, head)
  return plan
}

/**
 * Checks one event before the transaction: its size, the principal's right to its stream, the
 * app's schema (`validate`), and its fingerprint.
 */
export function prepareEvent(
  options: Pick<AppendOptions, 'limits' | 'validate' | 'personal'>,
  principal: Principal,
  event: PreparedEvent['event'],
  index: number,
): PreparedEvent | Promise<PreparedEvent> {
  // With personal fields, the fingerprint covers the content without their values, and the size
  // is had from it: one canonical text an event either way.
  const redacted = options.personal ? redactedContent(options.personal, event) : undefined
  const content = redacted?.text ?? eventContent(event)
  const max = options.limits.maxEventBytes
  const bytes = redacted ? redacted.bytesOver(max) : bytesOver(content, max)
  // Too large is a permanent refusal of this event alone, like a failed schema: refusing the
  // whole request instead would never advance lastSeq, and the client could never send past it.
  let rejection =
    bytes !== undefined
      ? refusal(
          'too_large',
          `The event is ${bytes} bytes; the limit is ${max} (maxEventBytes). Make it smaller`,
          [],
          { limit: 'maxEventBytes', max, received: bytes },
        )
      : !canWrite(principal, event.stream)
        ? refusal(
            'forbidden',
            `Principal ${JSON.stringify(principal.id)} may not write stream ${JSON.stringify(event.stream)}${isReservedStream(event.stream) ? ': streams under $strata/ are the server’s own' : ''}`,
            ['stream'],
            { stream: event.stream },
          )
        : !mayWriteType(principal, event.type)
          ? refusal(
              'forbidden',
              `Events of type ${JSON.stringify(event.type)} are the server’s own (its audit of a forget)`,
              ['type'],
              { type: event.type },
            )
          : event.expectedVersion !== undefined && !canRead(principal, event.stream)
            ? // Refused or not, the answer would tell the version of a stream it may not read.
              refusal(
                'forbidden',
                `Principal ${JSON.stringify(principal.id)} may write stream ${JSON.stringify(event.stream)} but not read it: send the event without expectedVersion`,
                ['expectedVersion'],
                { stream: event.stream },
              )
            : undefined
  const hash = fingerprintSync(content)
  if (hash !== undefined && (rejection || !options.validate))
    return { event, fingerprint: hash, rejection }
  return (async () => {
    if (!rejection) {
      try {
        rejection = await validateEvent(
          options.validate,
          event,
          options.personal?.[event.type]?.fields,
        )
      } catch (cause) {
        throw new StrataWireError(
          'internal',
          `The validator threw on event ${index} instead of returning issues`,
          { cause },
        )
      }
    }
    return { event, fingerprint: hash ?? (await fingerprint(content)), rejection }
  })()
}
