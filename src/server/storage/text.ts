import type { JsonValue } from '../../protocol'
import type { ReadRequest, Storage, StoredEvent, TextEvent, TextReadResult } from '../types'

/** An event with its payload encoded as JSON text: a store's without `readText`, or one opened. */
export const toTextEvent = (event: Omit<StoredEvent, 'fingerprint'>): TextEvent =>
  withPayloadText(event, JSON.stringify(event.payload))

/**
 * The event (stored or text) with `payloadText` as its payload. Built field by field: rest and
 * spread copies go through a slow generic path, paid per event a read writes out.
 */
export function withPayloadText(
  event: Omit<TextEvent, 'payloadText'>,
  payloadText: string,
): TextEvent {
  return {
    position: event.position,
    tenantPosition: event.tenantPosition,
    tenant: event.tenant,
    clientId: event.clientId,
    clientSeq: event.clientSeq,
    id: event.id,
    stream: event.stream,
    streamVersion: event.streamVersion,
    type: event.type,
    payloadText,
    at: event.at,
    commandId: event.commandId,
  }
}

/**
 * A text event with its payload parsed (no fingerprint: a reader never needs it). Built field
 * by field: rest and spread copies go through a slow generic path, paid per sealed event read.
 */
export function parseTextEvent(event: TextEvent): Omit<StoredEvent, 'fingerprint'> {
  return {
    position: event.position,
    tenantPosition: event.tenantPosition,
    tenant: event.tenant,
    clientId: event.clientId,
    clientSeq: event.clientSeq,
    id: event.id,
    stream: event.stream,
    streamVersion: event.streamVersion,
    type: event.type,
    payload: JSON.parse(event.payloadText) as JsonValue,
    at: event.at,
    commandId: event.commandId,
  }
}

/**
 * The events after a position with their payloads as stored text, from any store. A store
 * without `readText` reads `limit` events; only those its budget may hold are encoded.
 */
export async function readText(storage: Storage, request: ReadRequest): Promise<TextReadResult> {
  if (storage.readText) return storage.readText(request)
  const result = await storage.read(request)
  const fits = underBudget(request.maxBytes)
  const events: TextEvent[] = []
  for (const e of result.events) {
    const event = toTextEvent(e)
    if (!fits(leastBytes(event))) return { ...result, events, cut: true }
    events.push(event)
  }
  return { ...result, events }
}

const encoder = new TextEncoder()
/** Kept from one measure to the next: a page measures each event it may send. */
let scratch = new Uint8Array(0)

/** The UTF-8 bytes of a text (`TextEncoder`: the handler also runs in browsers, in msw). */
export function utf8Length(text: string): number {
  const room = text.length * 3
  if (room > scratch.length) {
    if (room > 1 << 20) return encoder.encode(text).length
    scratch = new Uint8Array(Math.max(room, 1 << 16))
  }
  return encoder.encodeInto(text, scratch).written
}

/**
 * How many of a page's event texts (`wireText`, in order) its byte budget holds
 * (`ReadRequest.maxBytes`): their UTF-8 bytes joined by commas at most `max`, and always the
 * first (an event is at most `maxEventBytes`: one larger than the budget is still read). A
 * UTF-16 unit is at most three bytes, so most pages are held without measuring an event.
 */
export function fitting(
  texts: readonly string[],
  max: number | undefined,
  /** Bytes of each event not in its text (a sealed row's payload, sent apart), if any. */
  apart?: ArrayLike<number>,
): number {
  const n = texts.length
  if (max === undefined || n < 2) return n
  let units = n - 1
  let extra = 0
  for (let i = 0; i < n; i++) {
    units += texts[i]!.length
    if (apart) extra += apart[i]!
  }
  if (units * 3 + extra <= max) return n
  let bytes = utf8Length(texts[0]!) + (apart ? apart[0]! : 0)
  for (let i = 1; i < n; i++) {
    bytes += 1 + utf8Length(texts[i]!) + (apart ? apart[i]! : 0)
    if (bytes > max) return i
  }
  return n
}

/**
 * At least the wire text's length of any event (`wireText`): its keys and quotes, one digit a
 * number.
 */
export const WIRE_LEAST = 128

/** At most the UTF-8 bytes of the event's wire text: its strings as they are, unescaped. */
export const leastBytes = (e: TextEvent) =>
  WIRE_LEAST +
  e.payloadText.length +
  e.clientId.length +
  e.id.length +
  e.stream.length +
  e.type.length +
  (e.commandId?.length ?? 0)

/**
 * A text read's early stop for a byte budget: true while the events taken, by a bound below
 * their bytes each (`leastBytes`), may still be in the page, so the read holds every event its
 * caller will send (it cuts exactly, `fitting`) and stops after. Always the first.
 */
export function underBudget(max: number | undefined): (least: number) => boolean {
  if (max === undefined) return () => true
  let bytes = -1
  return (least) => {
    const first = bytes < 0
    bytes += 1 + least
    return first || bytes <= max
  }
}

/**
 * The payload size over which a page's rows are read as their sizes first: below it, `limit`
 * rows are at most the page's byte budget (`ReadRequest.maxBytes`). Undefined: no budget.
 */
export const largeOver = (request: ReadRequest) =>
  request.maxBytes === undefined
    ? undefined
    : Math.max(1, Math.floor(request.maxBytes / request.limit))
