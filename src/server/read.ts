import {
  encodeToken,
  PROTOCOL_VERSION,
  parseReadEventsQuery,
  type ReadEventsResponse,
  type StoredWireEvent,
  StrataWireError,
} from '../protocol'
import { ERASURE_STREAM, forgottenSubject } from '../protocol/personal'
import { canRead, tenantOf } from './auth'
import type { Fanout } from './fanout'
import { fromStorage } from './respond'
import { holderOf, type Slots } from './slots'
import type { Limits, Principal, ReadResult, Storage, StoredEvent } from './types'

/** The event as a client sees it: at its tenant position; the global one stays inside. */
export function toWire(event: StoredEvent): StoredWireEvent {
  return {
    position: encodeToken(event.tenantPosition),
    clientId: event.clientId,
    clientSeq: event.clientSeq,
    id: event.id,
    stream: event.stream,
    streamVersion: event.streamVersion,
    type: event.type,
    payload: event.payload,
    at: event.at,
    commandId: event.commandId,
  }
}

/**
 * `GET /events`: the caller's tenant's events after a token, in tenant position order. With
 * `wait`, a long poll: it answers as soon as the tenant has events after the token, or empty at
 * the end. The next token is the last position looked at, so events the caller may not read are
 * skipped over instead of being read again.
 */
export async function readEvents(
  { storage, fanout, polls }: ReadDeps,
  limits: Limits,
  principal: Principal,
  url: URL,
  signal: AbortSignal,
): Promise<ReadEventsResponse> {
  const query = parseReadEventsQuery(url.searchParams, {
    defaultLimit: limits.defaultReadLimit,
    maxLimit: limits.maxReadLimit,
    maxWaitMs: limits.maxWaitMs,
  })
  const tenant = tenantOf(principal)
  for (const [i, stream] of (query.streams ?? []).entries()) {
    if (!canRead(principal, stream)) {
      throw new StrataWireError(
        'forbidden',
        `Principal ${JSON.stringify(principal.id)} may not read stream ${JSON.stringify(stream)}`,
        {
          path: ['stream', i],
        },
      )
    }
  }
  const request = {
    after: query.after,
    limit: query.limit,
    tenant,
    // Erasures reach a reader of some streams too: it may hold the subject's fields from them.
    streams: query.streams && [...query.streams, ERASURE_STREAM],
    clientIds: query.clientId === undefined ? undefined : [query.clientId],
  }
  // A long poll registers before its first read, so a commit in between is not missed.
  const release = query.wait > 0 ? polls.take(holderOf(principal)) : undefined
  const waiting =
    query.wait > 0
      ? fanout.wait({ ...request, clientId: query.clientId }, query.wait, signal)
      : undefined
  try {
    let result = await fromStorage(storage.read(request))
    if (waiting && !result.events.length && result.head === query.after) {
      result = (await fromStorage(waiting.result)) ?? result
    }
    return respond(result, query.after, query.limit, principal, query.clientId)
  } finally {
    waiting?.cancel()
    release?.()
  }
}

/** What `GET /events` reads through: the store, the shared wake-ups, the long-poll slots. */
export interface ReadDeps {
  storage: Storage
  fanout: Fanout
  polls: Slots
}

function respond(
  result: ReadResult,
  after: number,
  limit: number,
  principal: Principal,
  clientId: string | undefined,
): ReadEventsResponse {
  if (after > result.head) {
    // Tokens come from this store, and commits are visible to every reader at once: a token
    // ahead of the tenant's head means the store was reset or replaced. Start over.
    throw new StrataWireError(
      'bad_token',
      `The token is ahead of this store (head ${result.head}); was the store reset? Read again from the start`,
      {
        path: ['after'],
        details: { head: encodeToken(result.head) },
      },
    )
  }
  const full = result.events.length === limit
  const scanned = full ? result.events.at(-1)!.tenantPosition : result.head
  const response: ReadEventsResponse = {
    protocol: PROTOCOL_VERSION,
    // Every reader of the tenant hears of an erasure, whatever streams it may read: it may hold
    // the subject's fields from streams it could read.
    events: result.events
      .filter((e) => canRead(principal, e.stream) || forgottenSubject(e) !== undefined)
      .map(toWire),
    token: encodeToken(scanned),
    head: encodeToken(result.head),
    hasMore: scanned < result.head,
  }
  if (clientId !== undefined) {
    // Another principal's client reads as one that does not exist: nobody learns from this
    // answer which ids are taken (the store keys clients by tenant, so no other tenant's is).
    const client = result.clients.find((c) => c.clientId === clientId)
    response.lastSeq = client && client.principalId === principal.id ? client.lastSeq : 0
  }
  return response
}
