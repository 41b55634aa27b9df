import {
  encodeToken,
  PROTOCOL_VERSION,
  parseReadEventsQuery,
  type ReadEventsResponse,
  type StoredWireEvent,
  StrataWireError,
} from '../protocol'
import { canRead, tenantOf } from './auth'
import { fromStorage } from './respond'
import { waitFor } from './signal'
import type { Limits, Principal, ReadResult, Storage, StoredEvent } from './types'

export function toWire(event: StoredEvent): StoredWireEvent {
  return {
    position: encodeToken(event.position),
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
 * `GET /events`: the caller's tenant's events after a token, in position order. With `wait`, a
 * long poll: it answers as soon as anything is appended after the token, or empty at the end.
 * The next token is the last position looked at, so events the caller may not read are skipped
 * over instead of being read again.
 */
export async function readEvents(
  storage: Storage,
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
    streams: query.streams,
    clientId: query.clientId,
  }
  let result = await fromStorage(storage.read(request))
  if (!result.events.length && result.head <= query.after && query.wait > 0) {
    const head = await waitFor({
      subscribe: (wake) => storage.subscribe(wake),
      check: async () => {
        const head = await fromStorage(storage.head())
        return head > query.after ? head : undefined
      },
      timeoutMs: query.wait,
      signal,
    })
    if (head !== undefined) result = await fromStorage(storage.read(request))
  }
  return respond(result, query.after, query.limit, principal, query.clientId)
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
    // ahead of the head means the store was reset or replaced. The client must start over.
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
  const scanned = full ? result.events.at(-1)!.position : result.head
  const response: ReadEventsResponse = {
    protocol: PROTOCOL_VERSION,
    events: result.events.filter((e) => canRead(principal, e.stream)).map(toWire),
    token: encodeToken(scanned),
    head: encodeToken(result.head),
    hasMore: scanned < result.head,
  }
  if (clientId !== undefined) {
    const client = result.client
    if (client && (client.principalId !== principal.id || client.tenant !== tenantOf(principal))) {
      throw new StrataWireError(
        'forbidden',
        `clientId ${JSON.stringify(clientId)} belongs to another principal`,
        { path: ['clientId'] },
      )
    }
    response.lastSeq = client?.lastSeq ?? 0
  }
  return response
}
