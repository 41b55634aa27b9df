import { requestChecker as check } from './check'
import { type JsonValue, StrataWireError } from './errors'
import { assertSafeJson, isStorableString } from './json'
import { FIELD_LIMITS, type PostEventsRequest, SUPPORTED_PROTOCOLS, type WireEvent } from './types'

const REQUEST_FIELDS = ['protocol', 'clientId', 'batchId', 'events'] as const
const EVENT_FIELDS = [
  'clientSeq',
  'id',
  'stream',
  'type',
  'payload',
  'at',
  'commandId',
  'expectedVersion',
  'dependsOn',
] as const

/**
 * Throws `update_required` (426) for an integer protocol this module does not speak, so an old
 * client learns it must update instead of reading a confusing 400.
 */
export function checkProtocol(value: unknown, path: (string | number)[] = ['protocol']): number {
  const protocol = check.integer(value, path, 1)
  if (!SUPPORTED_PROTOCOLS.includes(protocol)) {
    throw new StrataWireError(
      'update_required',
      `Protocol ${protocol} is not supported by this server (it speaks ${SUPPORTED_PROTOCOLS.join(', ')}); update the client or the server`,
      { path, details: { supported: [...SUPPORTED_PROTOCOLS], received: protocol } },
    )
  }
  return protocol
}

/**
 * Validates a parsed `POST /events` body and returns it normalized (payload defaults to null,
 * commandId to null). Throws a StrataWireError with the failing path: `update_required` for an
 * unknown protocol, `bad_request` for everything else. Limits (events per batch, bytes) are the
 * server's to check.
 */
export function parsePostEventsRequest(value: unknown): PostEventsRequest {
  assertSafeJson(value)
  const body = check.object(value, [], REQUEST_FIELDS)
  const protocol = checkProtocol(body.protocol)
  const clientId = check.string(body.clientId, ['clientId'], FIELD_LIMITS.clientIdLength)
  if (!/^[\x21-\x7e]+$/.test(clientId)) {
    check.fail(['clientId'], 'printable ASCII without spaces', clientId)
  }
  const rawEvents = check.array(body.events, ['events'])
  const events: WireEvent[] = []
  const ids = new Set<string>()
  for (let i = 0; i < rawEvents.length; i++) {
    const event = parseWireEvent(rawEvents[i], ['events', i])
    const first = events[0]
    if (first && event.clientSeq !== first.clientSeq + i) {
      check.fail(
        ['events', i, 'clientSeq'],
        `${first.clientSeq + i} (events of a request have consecutive clientSeq)`,
        event.clientSeq,
      )
    }
    if (ids.has(event.id)) check.fail(['events', i, 'id'], 'an id unique in the request', event.id)
    ids.add(event.id)
    events.push(event)
  }
  const request: PostEventsRequest = { protocol, clientId, events }
  if (body.batchId !== undefined) request.batchId = check.string(body.batchId, ['batchId'], 128)
  return request
}

// Each field is tested inline and handed to the checker, which builds its path and message, only
// when it fails: building six paths per event was a measurable share of parsing a batch.
const okString = (value: unknown, maxLength: number): value is string =>
  typeof value === 'string' &&
  value.length >= 1 &&
  value.length <= maxLength &&
  isStorableString(value)
const okInteger = (value: unknown, min: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min

function parseWireEvent(value: unknown, path: (string | number)[]): WireEvent {
  const raw = check.object(value, path, EVENT_FIELDS)
  const { clientSeq, id, stream, type, at, commandId, expectedVersion } = raw
  const event: WireEvent = {
    clientSeq: okInteger(clientSeq, 1)
      ? clientSeq
      : check.integer(clientSeq, [...path, 'clientSeq'], 1),
    id: okString(id, FIELD_LIMITS.idLength)
      ? id
      : check.string(id, [...path, 'id'], FIELD_LIMITS.idLength),
    stream: okString(stream, FIELD_LIMITS.streamLength)
      ? stream
      : check.string(stream, [...path, 'stream'], FIELD_LIMITS.streamLength),
    type: okString(type, FIELD_LIMITS.typeLength)
      ? type
      : check.string(type, [...path, 'type'], FIELD_LIMITS.typeLength),
    payload: raw.payload === undefined ? null : (raw.payload as JsonValue),
    at: typeof at === 'number' && Number.isFinite(at) ? at : check.number(at, [...path, 'at']),
    commandId:
      commandId === undefined || commandId === null
        ? null
        : okString(commandId, FIELD_LIMITS.idLength)
          ? commandId
          : check.string(commandId, [...path, 'commandId'], FIELD_LIMITS.idLength),
  }
  if (expectedVersion !== undefined && expectedVersion !== null) {
    event.expectedVersion = okInteger(expectedVersion, 0)
      ? expectedVersion
      : check.integer(expectedVersion, [...path, 'expectedVersion'], 0)
  }
  const { dependsOn } = raw
  if (dependsOn !== undefined && dependsOn !== null) {
    event.dependsOn = check.integer(dependsOn, [...path, 'dependsOn'], 1)
    if (event.dependsOn >= event.clientSeq) {
      check.fail([...path, 'dependsOn'], `a clientSeq below ${event.clientSeq}`, dependsOn)
    }
  }
  return event
}
