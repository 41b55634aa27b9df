import { createParser } from 'eventsource-parser'
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

/**
 * The events of a `text/event-stream` body, parsed by eventsource-parser (line endings split
 * across chunks, a BOM, comments, `retry:` fields). An event without an `event:` field is a
 * `message`, as in EventSource.
 */
export async function* serverSentEvents(
  body: ReadableStream<Uint8Array> | null,
  signal: AbortSignal,
): AsyncGenerator<ServerSentEvent> {
  if (!body) return
  const reader = body.getReader()
  const decoder = new TextDecoder()
  const parsed: ServerSentEvent[] = []
  const parser = createParser({
    onEvent: ({ event, data }) => parsed.push({ event: event ?? 'message', data }),
  })
  const cancel = () => void reader.cancel().catch(() => {})
  signal.addEventListener('abort', cancel)
  try {
    while (true) {
      const { value, done } = await reader.read()
      if (done) return
      parser.feed(decoder.decode(value, { stream: true }))
      yield* parsed.splice(0)
    }
  } finally {
    signal.removeEventListener('abort', cancel)
  }
}
