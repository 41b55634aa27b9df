import { toErrorInfo } from './errors'
import { type InspectMessage, isInspectMessage } from './protocol'

/** Carries protocol messages between a host and its clients. */
export interface InspectTransport {
  post(message: InspectMessage): void
  listen(handler: (message: InspectMessage) => void): () => void
  close?(): void
}

/**
 * Two linked ends in one page: what one posts, the other's listeners get, synchronously and by
 * reference (no copy of a large state per request). Treat what you receive as read-only.
 */
export function directTransport(): { host: InspectTransport; client: InspectTransport } {
  const toHost = new Set<(m: InspectMessage) => void>()
  const toClient = new Set<(m: InspectMessage) => void>()
  const end = (send: typeof toHost, receive: typeof toHost): InspectTransport => ({
    post: (message) => {
      for (const handler of [...send]) handler(message)
    },
    listen(handler) {
      receive.add(handler)
      return () => receive.delete(handler)
    },
    close: () => receive.clear(),
  })
  return { host: end(toClient, toHost), client: end(toHost, toClient) }
}

/**
 * Messages over a BroadcastChannel, for a panel in its own window or tab of the same origin.
 * Values the structured clone cannot copy (functions, class instances with methods, symbols)
 * are replaced by descriptions instead of failing the whole message.
 */
export function broadcastTransport(name = 'strata-devtools'): InspectTransport {
  const channel = new BroadcastChannel(name)
  const handlers = new Set<(m: InspectMessage) => void>()
  channel.onmessage = (event: MessageEvent) => {
    if (!isInspectMessage(event.data)) return
    for (const handler of [...handlers]) handler(event.data)
  }
  return {
    post(message) {
      try {
        channel.postMessage(message)
      } catch {
        channel.postMessage(cloneable(message))
      }
    },
    listen(handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    close() {
      handlers.clear()
      channel.close()
    },
  }
}

/** A copy the structured clone accepts: Dates, Maps, Sets and plain data kept; the rest described. */
export function cloneable(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`
  if (typeof value === 'symbol') return value.toString()
  if (typeof value !== 'object' || value === null) return value
  if (value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value)) return value
  if (seen.has(value)) return seen.get(value)
  if (value instanceof Error) return toErrorInfo(value)
  if (Array.isArray(value)) {
    const out: unknown[] = []
    seen.set(value, out)
    for (const item of value) out.push(cloneable(item, seen))
    return out
  }
  if (value instanceof Map) {
    const out = new Map()
    seen.set(value, out)
    for (const [k, v] of value) out.set(cloneable(k, seen), cloneable(v, seen))
    return out
  }
  if (value instanceof Set) {
    const out = new Set()
    seen.set(value, out)
    for (const v of value) out.add(cloneable(v, seen))
    return out
  }
  const out: Record<string, unknown> = {}
  seen.set(value, out)
  for (const key of Object.keys(value))
    out[key] = cloneable((value as Record<string, unknown>)[key], seen)
  return out
}
