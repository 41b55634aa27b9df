import {
  encodeToken,
  StrataWireError,
  tryDecodeToken,
  type WireErrorBody,
  type WireEvent,
} from '../protocol'
import type { ClientRecord, Receipt, Rejection, StoredEvent } from './types'

/** An event checked before the transaction: its fingerprint, and a permanent refusal if any. */
export interface PreparedEvent {
  event: WireEvent
  fingerprint: string
  rejection: WireErrorBody | undefined
}

export interface PlanInput {
  clientId: string
  principalId: string
  tenant: string
  events: readonly PreparedEvent[]
  client: ClientRecord | undefined
  /** Receipts of the request's retried seqs, and of every seq from the smallest `dependsOn` on. */
  receipts: readonly Receipt[]
  streamVersions: ReadonlyMap<string, number>
  /**
   * Tenant positions of the request's event ids this client has already stored. Only the client's own:
   * an event id is unique per `(clientId, id)`, so the same id from another client is a
   * different event, and naming where that one is stored would leak a position of a stream the
   * caller may not be allowed to read.
   */
  existingIds: ReadonlyMap<string, number>
  /** The global head, and the tenant's: new events take the next of each. */
  head: number
  tenantHead: number
}

/** Positions in a plan's answer are tenant positions: the only ones a client sees. */
export interface PlannedResult {
  clientSeq: number
  status: 'applied' | 'duplicate' | 'rejected'
  position?: number
  error?: WireErrorBody
}

export interface Plan {
  results: PlannedResult[]
  inserts: StoredEvent[]
  rejections: Rejection[]
  /** The client's record to save, or undefined when nothing about it changed (nor is new). */
  client: ClientRecord | undefined
  lastSeq: number
  /** Newest tenant position among this request's stored events, or the tenant's head. */
  token: number
}

/**
 * Decides what an append does, from what the transaction read. Pure, so the rules live in one
 * place for every adapter: retries are answered from receipts, a changed retry is a 409, a gap is
 * refused, and new events are applied or rejected one by one. Throws a StrataWireError to refuse
 * the whole request; the caller then writes nothing. A request that stores nothing (an empty
 * batch, a pure retry) creates and changes no client: nobody claims a clientId without using it.
 */
export function planAppend(input: PlanInput): Plan {
  const { clientId, tenant, events } = input
  if (
    input.client &&
    (input.client.principalId !== input.principalId || input.client.tenant !== tenant)
  ) {
    // An empty batch stores nothing: answered as for an id nobody uses, it tells a prober
    // nothing. Storing under the id is refused: readers of the tenant tell clients apart by it.
    if (!events.length) {
      return {
        results: [],
        inserts: [],
        rejections: [],
        client: undefined,
        lastSeq: 0,
        token: input.tenantHead,
      }
    }
    throw new StrataWireError(
      'forbidden',
      `clientId ${JSON.stringify(clientId)} belongs to another principal; make a new clientId`,
      {
        path: ['clientId'],
      },
    )
  }
  const lastSeq = input.client?.lastSeq ?? 0
  const receipts = new Map(input.receipts.map((r) => [r.clientSeq, r]))
  const firstNew = events.find((p) => p.event.clientSeq > lastSeq)
  if (firstNew && firstNew.event.clientSeq !== lastSeq + 1) {
    const index = events.indexOf(firstNew)
    throw new StrataWireError(
      'sequence_gap',
      `clientSeq ${firstNew.event.clientSeq} skips ahead: the server has processed up to ${lastSeq}, so the next must be ${lastSeq + 1}; resend from there`,
      {
        path: ['events', index, 'clientSeq'],
        details: { expected: lastSeq + 1, received: firstNew.event.clientSeq, lastSeq },
      },
    )
  }

  // A conflict refuses every event of its command in the request (stored together or not at
  // all); that changes the versions the rest see, so plan again until nothing more is refused.
  const forced = new Map<number, WireErrorBody>()
  for (;;) {
    const pass = planEvents(input, lastSeq, receipts, forced)
    if (!forceCommands(events, pass.results, forced)) {
      const newLastSeq = Math.max(lastSeq, events.at(-1)?.event.clientSeq ?? 0)
      return {
        ...pass,
        client:
          newLastSeq === lastSeq
            ? undefined
            : { clientId, principalId: input.principalId, tenant, lastSeq: newLastSeq },
        lastSeq: newLastSeq,
        token: pass.token || input.tenantHead,
      }
    }
  }
}

/**
 * Plans the request's events in order: retries are answered from their receipts, new events are
 * applied or refused. A new event is refused with `version_conflict` when its stream is not at
 * its `expectedVersion`, or when one of this client's events from its `dependsOn` on was refused:
 * it was decided on top of that one, so the count it expected is no longer its own events'.
 */
function planEvents(
  input: PlanInput,
  lastSeq: number,
  receipts: ReadonlyMap<number, Receipt>,
  forced: ReadonlyMap<number, WireErrorBody>,
) {
  const { clientId, tenant } = input
  const results: PlannedResult[] = []
  const inserts: StoredEvent[] = []
  const rejections: Rejection[] = []
  const versions = new Map(input.streamVersions)
  let position = input.head
  let tenantPosition = input.tenantHead
  let token = 0
  // The newest of this client's events refused so far (a `duplicate_id` was stored: not one).
  let refused = 0
  for (const r of receipts.values())
    if (isRefusal(r.error)) refused = Math.max(refused, r.clientSeq)
  input.events.forEach(({ event, fingerprint, rejection }, index) => {
    const seq = event.clientSeq
    if (seq <= lastSeq) {
      const receipt = receipts.get(seq)
      if (receipt && receipt.fingerprint !== fingerprint) {
        throw new StrataWireError(
          'conflict',
          `clientSeq ${seq} was already stored with different content; a retry must resend the same event`,
          { path: ['events', index], details: { clientSeq: seq } },
        )
      }
      if (receipt?.error) {
        // A `duplicate_id` keeps where the client's earlier event with that id is stored in its
        // details (the same answer the first time, to the same client).
        const stored = storedAt(receipt.error)
        results.push(
          withPosition({ clientSeq: seq, status: 'rejected', error: receipt.error }, stored),
        )
        token = Math.max(token, stored ?? 0)
      } else {
        results.push(withPosition({ clientSeq: seq, status: 'duplicate' }, receipt?.position))
        token = Math.max(token, receipt?.position ?? 0)
      }
      return
    }
    const version = versions.get(event.stream) ?? 0
    const existing = rejection ? undefined : input.existingIds.get(event.id)
    if (existing !== undefined) {
      // This client stored it before under another clientSeq, e.g. two tabs of one client that
      // claimed it in a race: not stored twice, and its position (the client's own event, whose
      // position it was answered when it was stored) lets the client confirm it at once.
      const at = encodeToken(existing)
      const error = refusal(
        'duplicate_id',
        `This client already stored an event with id ${JSON.stringify(event.id)} (at ${at}) under another clientSeq`,
        ['id'],
        { id: event.id, position: at },
      )
      rejections.push({ tenant, clientId, clientSeq: seq, fingerprint, error })
      results.push({ clientSeq: seq, status: 'rejected', position: existing, error })
      token = Math.max(token, existing)
      return
    }
    const error =
      rejection ?? forced.get(seq) ?? versionConflict(event, version, refused, lastSeq + 1)
    if (error) {
      rejections.push({ tenant, clientId, clientSeq: seq, fingerprint, error })
      results.push({ clientSeq: seq, status: 'rejected', error })
      refused = seq
      return
    }
    position += 1
    tenantPosition += 1
    versions.set(event.stream, version + 1)
    inserts.push({
      position,
      tenantPosition,
      tenant,
      clientId,
      clientSeq: seq,
      id: event.id,
      stream: event.stream,
      streamVersion: version + 1,
      type: event.type,
      payload: event.payload ?? null,
      at: event.at,
      commandId: event.commandId ?? null,
      fingerprint,
    })
    results.push({ clientSeq: seq, status: 'applied', position: tenantPosition })
    token = tenantPosition
  })
  return { results, inserts, rejections, token }
}

function versionConflict(
  event: WireEvent,
  version: number,
  refused: number,
  firstNew: number,
): WireErrorBody | undefined {
  const { stream, expectedVersion: expected, dependsOn } = event
  const details = { stream, expected: expected ?? null, actual: version }
  if (dependsOn !== undefined && dependsOn < firstNew - DEPENDS_ON_LOOKBACK) {
    return refusal(
      'version_conflict',
      `dependsOn ${dependsOn} is more than ${DEPENDS_ON_LOOKBACK} events before this request; decide it again`,
      ['dependsOn'],
      { ...details, dependsOn },
    )
  }
  if (dependsOn !== undefined && refused >= dependsOn) {
    return refusal(
      'version_conflict',
      `This client's event ${refused} was refused, and this one was decided on top of the events from ${dependsOn} on`,
      ['dependsOn'],
      { ...details, dependsOn, refused },
    )
  }
  if (expected === undefined || expected === version) return undefined
  return refusal(
    'version_conflict',
    `Stream ${JSON.stringify(stream)} is at version ${version}, not the expected ${expected}`,
    ['expectedVersion'],
    details,
  )
}

/**
 * Adds to `forced` the applied events of every command that has a `version_conflict` in this
 * request; true when it added any (the request must be planned again).
 */
function forceCommands(
  events: readonly PreparedEvent[],
  results: readonly PlannedResult[],
  forced: Map<number, WireErrorBody>,
): boolean {
  const conflicted = new Map<string, PlannedResult>()
  events.forEach(({ event }, i) => {
    const r = results[i]!
    if (event.commandId && r.status === 'rejected' && r.error?.code === 'version_conflict') {
      if (!conflicted.has(event.commandId)) conflicted.set(event.commandId, r)
    }
  })
  let added = false
  events.forEach(({ event }, i) => {
    const cause = event.commandId ? conflicted.get(event.commandId) : undefined
    if (!cause || results[i]!.status !== 'applied') return
    forced.set(
      event.clientSeq,
      refusal(
        'version_conflict',
        `Event ${cause.clientSeq} of the same command conflicts; a command is stored whole or not at all`,
        ['commandId'],
        { stream: event.stream, commandId: event.commandId!, conflict: cause.clientSeq },
      ),
    )
    added = true
  })
  return added
}

/**
 * How far before the request's first new event a `dependsOn` may point. A client's own events it
 * has no outcome for yet are normally in the request or just before it; the bound keeps a client
 * from making the server read its whole history. Older ones are refused as conflicts.
 */
export const DEPENDS_ON_LOOKBACK = 1000

/** The first clientSeq whose receipt the plan needs, or undefined when it needs none. */
export function receiptsFrom(events: readonly WireEvent[], lastSeq: number): number | undefined {
  let from = events[0] && events[0].clientSeq <= lastSeq ? events[0].clientSeq : undefined
  for (const e of events) {
    if (e.dependsOn === undefined || e.clientSeq <= lastSeq || e.dependsOn > lastSeq) continue
    const dep = Math.max(e.dependsOn, lastSeq + 1 - DEPENDS_ON_LOOKBACK, 1)
    from = from === undefined ? dep : Math.min(from, dep)
  }
  return from
}

const isRefusal = (error: WireErrorBody | null) => error !== null && error.code !== 'duplicate_id'

/** The stored position a `duplicate_id` refusal names, as kept in its receipt. */
function storedAt(error: WireErrorBody): number | undefined {
  return error.code === 'duplicate_id' ? tryDecodeToken(error.details?.position) : undefined
}

function withPosition(result: PlannedResult, position: number | null | undefined): PlannedResult {
  if (position != null) result.position = position
  return result
}

export function refusal(
  code: WireErrorBody['code'],
  message: string,
  path: (string | number)[],
  details?: WireErrorBody['details'],
): WireErrorBody {
  const body: WireErrorBody = { code, message, path }
  if (details) body.details = details
  return body
}
