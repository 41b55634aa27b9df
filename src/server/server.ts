import { Hono } from 'hono'
import { type LimitsResponse, PROTOCOL_VERSION, StrataWireError } from '../protocol'
import { appendEvents } from './append'
import { authenticate, tenantOf } from './auth'
import { readJsonBody } from './body'
import { ProjectionRunner } from './projections'
import { readEvents } from './read'
import { errorResponse, json } from './respond'
import { Signal } from './signal'
import { eventStream } from './sse'
import { DEFAULT_LIMITS, type EventServer, type EventServerOptions } from './types'
import { readView } from './views'

/**
 * The event server as one web-standard fetch handler, so the same code serves Node (`serve`),
 * the msw mock, and any framework's route. Endpoints: `POST /events`, `GET /events`,
 * `GET /events/stream` (SSE pokes), `GET /views/<name>`, `GET /limits`.
 */
export function createEventServer(options: EventServerOptions): EventServer {
  const { storage, authorize, validate } = options
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const onError =
    options.onError ?? ((error: unknown) => console.error('[strata] server error:', error))
  const projections = options.projections ?? []
  const inline = projections.filter((p) => p.mode === 'inline')
  const runner = new ProjectionRunner(storage, projections, onError)
  const closing = new Signal<void>()
  const shutdown = new AbortController()
  const signalOf = (request: Request) => AbortSignal.any([request.signal, shutdown.signal])

  const app = new Hono({ strict: false })
  const routes = options.basePath ? app.basePath(options.basePath) : app
  routes.post('/events', async (c) => {
    const principal = await authenticate(authorize, c.req.raw)
    const body = await readJsonBody(c.req.raw, limits.maxBodyBytes)
    return json(await appendEvents({ storage, inline, validate, limits }, principal, body))
  })
  routes.get('/events', async (c) => {
    const principal = await authenticate(authorize, c.req.raw)
    return json(
      await readEvents(storage, limits, principal, new URL(c.req.url), signalOf(c.req.raw)),
    )
  })
  routes.get('/events/stream', async (c) => {
    const principal = await authenticate(authorize, c.req.raw)
    return eventStream(storage, limits, tenantOf(principal), c.req.raw, new URL(c.req.url), closing)
  })
  routes.get('/limits', async (c) => {
    await authenticate(authorize, c.req.raw)
    const body: LimitsResponse = {
      protocol: PROTOCOL_VERSION,
      maxBodyBytes: limits.maxBodyBytes,
      maxEventsPerBatch: limits.maxEventsPerBatch,
      maxEventBytes: limits.maxEventBytes,
    }
    return json(body)
  })
  routes.get('/views/:name', async (c) => {
    const principal = await authenticate(authorize, c.req.raw)
    const request = new Request(c.req.raw, { signal: signalOf(c.req.raw) })
    return readView(
      runner,
      storage,
      limits,
      principal,
      c.req.param('name'),
      request,
      new URL(c.req.url),
    )
  })
  for (const path of ['/events', '/events/stream', '/views/:name', '/limits']) {
    routes.all(path, (c) => {
      throw new StrataWireError(
        'method_not_allowed',
        `${c.req.method} is not allowed on ${c.req.path}`,
      )
    })
  }
  app.notFound((c) =>
    errorResponse(
      new StrataWireError('not_found', `No endpoint ${c.req.method} ${c.req.path}`),
      limits.retryAfterSeconds,
      onError,
    ),
  )
  app.onError((error) => errorResponse(error, limits.retryAfterSeconds, onError))

  let closed = false
  return {
    fetch: async (request) => {
      if (closed)
        return errorResponse(
          new StrataWireError('unavailable', 'The server is shutting down'),
          limits.retryAfterSeconds,
          onError,
        )
      return app.fetch(request)
    },
    close: async () => {
      closed = true
      shutdown.abort()
      closing.emit()
      await runner.close()
    },
  }
}
