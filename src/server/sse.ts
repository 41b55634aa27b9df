import { decodeToken, encodeToken, type PokeMessage } from '../protocol'
import { fromStorage } from './respond'
import type { Signal } from './signal'
import type { Limits, Storage } from './types'

/**
 * `GET /events/stream?after=<token>`: Server-Sent Events that poke the client whenever events
 * after its position exist (`event: poke`, data `{"head":"v1:12"}`, id the head token). Pokes carry
 * no events: the client pulls them with `GET /events`, which keeps one path for reading. The
 * stream's `id` lets EventSource resume with `Last-Event-ID`.
 */
export async function eventStream(
  storage: Storage,
  limits: Limits,
  tenant: string,
  request: Request,
  url: URL,
  closing: Signal<void>,
): Promise<Response> {
  const resume = url.searchParams.get('after') ?? request.headers.get('last-event-id') ?? undefined
  let sent = resume === undefined ? 0 : decodeToken(resume, ['after'])
  const initialHead = await fromStorage(storage.head(tenant))
  const encoder = new TextEncoder()
  let stop = () => {}
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text))
        } catch {
          stop()
        }
      }
      const poke = (head: number) => {
        if (head <= sent) return
        sent = head
        const token = encodeToken(head)
        const message: PokeMessage = { head: token }
        write(`id: ${token}\nevent: poke\ndata: ${JSON.stringify(message)}\n\n`)
      }
      const unsubscribe = storage.subscribe((commit) => {
        const head = commit.tenants?.get(tenant)
        if (head !== undefined) poke(head)
        else if (!commit.tenants) void storage.head(tenant).then(poke, () => {})
      })
      const heartbeat = setInterval(() => write(': ping\n\n'), limits.heartbeatMs)
      const unclose = closing.subscribe(() => stop())
      const onAbort = () => stop()
      request.signal.addEventListener('abort', onAbort)
      stop = () => {
        stop = () => {}
        unsubscribe()
        unclose()
        clearInterval(heartbeat)
        request.signal.removeEventListener('abort', onAbort)
        try {
          controller.close()
        } catch {
          // Already closed by the reader.
        }
      }
      write('retry: 1000\n\n')
      poke(initialHead)
    },
    cancel() {
      stop()
    },
  })
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  })
}
