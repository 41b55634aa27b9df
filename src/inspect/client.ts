import { uuid } from '../core/ids'
import { InspectError, RemoteInspectError, toErrorInfo } from './errors'
import {
  envelope,
  type InspectMessage,
  isInspectMessage,
  type Meta,
  PROTOCOL_VERSION,
  type Request,
  type RequestType,
  type ResultOf,
  type SyncSnapshot,
} from './protocol'
import type { InspectTransport } from './transports'

export interface InspectClientOptions {
  transport: InspectTransport
  /** The host's `name`. Default 'default'. */
  channel?: string
  /** Reject a request the host has not answered after this long. Default 10 s. */
  timeoutMs?: number
}

export interface InspectClient {
  request<T extends RequestType>(request: Request<T>): Promise<ResultOf<T>>
  /** The newest meta the host sent; undefined until it answered once. */
  readonly meta: Meta | undefined
  readonly sync: SyncSnapshot | undefined
  /** Called when `meta` or `sync` changed. */
  subscribe(listener: () => void): () => void
  close(): void
}

interface Pending {
  resolve(value: unknown): void
  reject(error: unknown): void
  timer: ReturnType<typeof setTimeout>
}

/** The panel's side: requests with promises, and the host's pushes kept as `meta` and `sync`. */
export function createInspectClient(options: InspectClientOptions): InspectClient {
  const { transport, channel = 'default', timeoutMs = 10_000 } = options
  const client = uuid()
  const pending = new Map<number, Pending>()
  const listeners = new Set<() => void>()
  let nextId = 1
  let meta: Meta | undefined
  let sync: SyncSnapshot | undefined

  const notify = () => {
    for (const listener of [...listeners]) listener()
  }
  /** Keep the newest meta: a new host, or a newer revision of the same one. */
  const offer = (next: Meta) => {
    if (meta && next.host === meta.host && next.revision < meta.revision) return
    if (meta && next.host === meta.host && next.revision === meta.revision) return
    meta = next
    notify()
  }

  const onMessage = (message: InspectMessage) => {
    if (!isInspectMessage(message) || message.channel !== channel) return
    if (message.kind === 'push') {
      if (message.version !== PROTOCOL_VERSION) return
      if (message.push.type === 'meta') offer(message.push.meta)
      else {
        sync = message.push.sync
        notify()
      }
      return
    }
    if (message.kind !== 'response' || message.client !== client) return
    const waiting = pending.get(message.id)
    if (!waiting) return
    pending.delete(message.id)
    clearTimeout(waiting.timer)
    if (message.ok) waiting.resolve(message.result)
    else waiting.reject(new RemoteInspectError(message.error))
  }
  const unlisten = transport.listen(onMessage)

  function request<T extends RequestType>(req: Request<T>): Promise<ResultOf<T>> {
    const id = nextId++
    return new Promise<ResultOf<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id)
        const error = new InspectError(
          'timeout',
          `The devtools host "${channel}" did not answer ${req.type} within ${timeoutMs} ms. Is the page with the store open?`,
        )
        reject(new RemoteInspectError(toErrorInfo(error)!))
      }, timeoutMs)
      pending.set(id, {
        resolve: (value) => {
          if (req.type === 'sync' || req.type === 'syncPause' || req.type === 'syncResume') {
            sync = value as SyncSnapshot | undefined
            notify()
          }
          const m = metaOf(value)
          if (m) offer(m)
          resolve(value as ResultOf<T>)
        },
        reject,
        timer,
      })
      transport.post({ ...envelope(channel), kind: 'request', id, client, request: req })
    })
  }

  request({ type: 'meta' }).catch(() => {})

  return {
    request,
    get meta() {
      return meta
    },
    get sync() {
      return sync
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      unlisten()
      for (const p of pending.values()) clearTimeout(p.timer)
      pending.clear()
      listeners.clear()
    },
  }
}

function metaOf(value: unknown): Meta | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const v = value as { revision?: unknown; meta?: Meta }
  if (typeof v.revision === 'number' && 'host' in v) return value as Meta
  return v.meta
}
