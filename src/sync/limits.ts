import {
  type LimitsResponse,
  type PostEventsRequest,
  PROTOCOL_VERSION,
  StrataWireError,
  utf8Length,
  type WireEvent,
} from '../protocol/index'

/** The server's request limits (`GET /limits`), as the client sizes batches by them. */
export type ServerLimits = Omit<LimitsResponse, 'protocol'>

/**
 * How many of the request's events, from the first, fit the server's limits: at most
 * `maxEventsPerBatch`, and a body of at most `maxBodyBytes` (counted exactly as the transport
 * serializes it). Always at least one: an event too large even alone is the server's to refuse.
 */
export function eventsThatFit(request: PostEventsRequest, limits: ServerLimits): number {
  const count = Math.min(request.events.length, limits.maxEventsPerBatch)
  // `JSON.stringify` of the whole body is the envelope with the events joined by commas.
  let bytes = utf8Length(JSON.stringify({ ...request, events: [] }))
  for (let i = 0; i < count; i++) {
    bytes += utf8Length(JSON.stringify(request.events[i])) + (i ? 1 : 0)
    if (bytes > limits.maxBodyBytes) return Math.max(1, i)
  }
  return Math.max(1, count)
}

// The largest a clientSeq and a batch id can be on the wire, for an upper bound of a request.
const LONGEST_SEQ = Number.MAX_SAFE_INTEGER
const LONGEST_BATCH_ID = 'x'.repeat(36)

/**
 * A `too_large` error when a request of this event alone would be over `maxBodyBytes`: the
 * server could never read it, so it could never process its clientSeq, and every event after it
 * would wait forever. Measured as an upper bound (the longest clientSeq and batch id).
 */
export function unsendable(
  event: Omit<WireEvent, 'clientSeq'>,
  clientId: string,
  limits: ServerLimits,
): StrataWireError | undefined {
  const request: PostEventsRequest = {
    protocol: PROTOCOL_VERSION,
    clientId,
    batchId: LONGEST_BATCH_ID,
    events: [{ ...event, clientSeq: LONGEST_SEQ }],
  }
  const bytes = utf8Length(JSON.stringify(request))
  if (bytes <= limits.maxBodyBytes) return undefined
  return new StrataWireError(
    'too_large',
    `The event needs a request of ${bytes} bytes, over the server's limit of ${limits.maxBodyBytes} (maxBodyBytes); it cannot be sent. Make it smaller`,
    { details: { limit: 'maxBodyBytes', max: limits.maxBodyBytes, received: bytes } },
  )
}
