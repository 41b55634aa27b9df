import { backoffDelay, sleep } from './clock'
import type { SyncContext } from './context'
import { toSyncError } from './errors'
import type { Puller } from './puller'

/**
 * Listens to `GET /events/stream` and pokes the puller whenever the server says events exist
 * after what it read. Read through fetch rather than EventSource, so a custom `fetch` (the
 * server handler in tests, an auth header) works. Reconnects with backoff.
 */
export async function listenForPokes(ctx: SyncContext, puller: Puller): Promise<void> {
  const { signal, clock, state } = ctx
  let attempt = 0
  while (!signal.aborted) {
    if (state.paused || state.error) {
      await sleep(clock, 1000, signal)
      continue
    }
    try {
      const response = await ctx.transport.stream(puller.after, signal)
      attempt = 0
      for await (const message of serverSentEvents(response.body, signal)) {
        if (message.event === 'poke') puller.poke()
      }
    } catch (cause) {
      if (signal.aborted) return
      state.report(toSyncError(cause, 'pull', 'Listening for pokes'), clock.now())
    }
    attempt++
    await sleep(clock, backoffDelay(attempt, ctx.random, ctx.config.retry), signal)
  }
}

interface ServerSentEvent {
  event: string
  data: string
}

/** Splits a `text/event-stream` body into events (the parts of the format pokes use). */
export async function* serverSentEvents(
  body: ReadableStream<Uint8Array> | null,
  signal: AbortSignal,
): AsyncGenerator<ServerSentEvent> {
  if (!body) return
  const reader = body.getReader()
  const decoder = new TextDecoder()
  const cancel = () => void reader.cancel().catch(() => {})
  signal.addEventListener('abort', cancel)
  let buffer = ''
  try {
    while (true) {
      const { value, done } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n')
      let end = buffer.indexOf('\n\n')
      while (end >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        end = buffer.indexOf('\n\n')
        let event = 'message'
        const data: string[] = []
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim()
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
        }
        if (data.length) yield { event, data: data.join('\n') }
      }
    }
  } finally {
    signal.removeEventListener('abort', cancel)
  }
}
