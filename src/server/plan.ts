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
  receipts: readonly Receipt[]
  streamVersions: ReadonlyMap<string, number>
  /**
   * Positions of the request's event ids this client has already stored. Only the client's own:
   * an event id is unique per `(clientId, id)`, so the same id from another client is a
   * different event, and naming where that one is stored would leak a position of a stream the
   * caller may not be allowed to read.
   */
  existingIds: ReadonlyMap<string, number>
  head: number
}

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
  client: ClientRecord
  /** Newest position among this request's stored events, or the head when there is none. */
  token: number
}

/**
 * Decides what an append does, from what the transaction read. Pure, so the rules live in one
 * place for every adapter: retries are answered from receipts, a changed retry is a 409, a gap is
 * refused, and new events are applied or rejected one by one. Throws a StrataWireError to refuse
 * the whole request; the caller then writes nothing.
 */
export function planAppend(input: PlanInput): Plan {
  const { clientId, tenant, events } = input
  if (
    input.client &&
    (input.client.principalId !== input.principalId || input.client.tenant !== tenant)
  ) {
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

  const results: PlannedResult[] = []
  const inserts: StoredEvent[] = []
  const rejections: Rejection[] = []
  const versions = new Map(input.streamVersions)
  let position = input.head
  let token = 0
  events.forEach(({ event, fingerprint, rejection }, index) => {
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
      rejections.push({ clientId, clientSeq: seq, fingerprint, error })
      results.push({ clientSeq: seq, status: 'rejected', position: existing, error })
      token = Math.max(token, existing)
      return
    }
    const error =
      rejection ??
      (event.expectedVersion !== undefined && event.expectedVersion !== version
        ? refusal(
            'version_conflict',
            `Stream ${JSON.stringify(event.stream)} is at version ${version}, not the expected ${event.expectedVersion}`,
            ['expectedVersion'],
            { stream: event.stream, expected: event.expectedVersion, actual: version },
          )
        : undefined)
    if (error) {
      rejections.push({ clientId, clientSeq: seq, fingerprint, error })
      results.push({ clientSeq: seq, status: 'rejected', error })
      return
    }
    position += 1
    versions.set(event.stream, version + 1)
    inserts.push({
      position,
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
    results.push({ clientSeq: seq, status: 'applied', position })
    token = position
  })
  const newLastSeq = Math.max(lastSeq, events.at(-1)?.event.clientSeq ?? 0)
  return {
    results,
    inserts,
    rejections,
    client: { clientId, principalId: input.principalId, tenant, lastSeq: newLastSeq },
    token: token || input.head,
  }
}

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
