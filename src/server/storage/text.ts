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

/** The events after a position with their payloads as stored text, from any store. */
export async function readText(storage: Storage, request: ReadRequest): Promise<TextReadResult> {
  if (storage.readText) return storage.readText(request)
  const result = await storage.read(request)
  return { ...result, events: result.events.map(toTextEvent) }
}
