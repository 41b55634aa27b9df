import type { JsonValue } from '../../protocol'
import type { ReadRequest, Storage, StoredEvent, TextEvent, TextReadResult } from '../types'

/** An event read whole, with its payload as JSON text: what a store without `readText` gives. */
export function toTextEvent(event: Omit<StoredEvent, 'fingerprint'>): TextEvent {
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
    payloadText: JSON.stringify(event.payload),
    at: event.at,
    commandId: event.commandId,
  }
}

/** A text event with its payload parsed (no fingerprint: a reader never needs it). */
export function parseTextEvent(event: TextEvent): Omit<StoredEvent, 'fingerprint'> {
  const { payloadText, ...rest } = event
  return { ...rest, payload: JSON.parse(payloadText) as JsonValue }
}

/** The events after a position with their payloads as stored text, from any store. */
export async function readText(storage: Storage, request: ReadRequest): Promise<TextReadResult> {
  if (storage.readText) return storage.readText(request)
  const result = await storage.read(request)
  return { ...result, events: result.events.map(toTextEvent) }
}
