import { Hono } from 'hono'
import { type LimitsResponse, PROTOCOL_VERSION, StrataWireError } from '../protocol'
import { appendEvents } from './append'
import { authenticate } from './auth'
import { readJsonBody } from './body'
import { corsMiddleware } from './cors'
import { OpenedCache } from './erasure/cache'
import { forgetSubject } from './erasure/forget'
import { withErasure } from './erasure/personal'
import { Fanout } from './fanout'
import { checkHost } from './hosts'
import { ProjectionRunner } from './projections'
import { readEvents } from './read'
import { readSnapshot } from './readSnapshot'
import { errorResponse, json, jsonText } from './respond'
import { Signal } from './signal'
import { holderOf, Slots } from './slots'
import { SnapshotRunner } from './snapshots'
import { eventStream } from './sse'
import { isTableProjection } from './tables/define'
import { TableRunner } from './tables/runner'
import { tableStatus } from './tables/status'
import { readTableView } from './tables/view'
import { DEFAULT_LIMITS, type EventServer, type EventServerOptions, type Projection } from './types'
import { readView } from './views'

/**
 * The event server as one web-standard fetch handler, so the same code serves Node (`serve`),
 * the msw mock, and any framework's route. Endpoints: `POST /events`, `GET /events`,
 * `GET /events/stream` (SSE pokes), `GET /views/<name>`, `GET /snapshots/<name>`, `GET /limits`,
 * `POST /subjects/<id>/forget` (erasure, admins only).
 */
export function createEventServer(options: EventServerOptions): EventServer {
  const { authorize, validate, personal } = options
  const opened = personal ? new OpenedCache() : undefined
  const storage = personal ? withErasure(options.storage, personal, opened) : options.storage
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  if (!Number.isSafeInteger(limits.maxReadBytes) || limits.maxReadBytes <= 0)
    throw new TypeError(
      `[strata] limits.maxReadBytes must be a positive integer (bytes of events a GET /events page holds; default ${DEFAULT_LIMITS.maxReadBytes}), not ${String(limits.maxReadBytes)}`,
    )
  const onError =
    options.onError ?? ((error: unknown) => console.error('[strata] server error:', error))
  const all = options.projections ?? []
  const tableProjections = all.filter(isTableProjection)
  const projections = all.filter((p): p is Projection => !isTableProjection(p))
  const inline = projections.filter((p) => p.mode === 'inline')
  if (new Set(all.map((p) => p.name)).size !== all.length)
    throw new TypeError('[strata] projection names must be unique')
  if (tableProjections.length && !storage.tables) {
    throw new TypeError(
      `[strata] table projection ${JSON.stringify(tableProjections[0]!.name)} needs SQL storage: sqliteStorage (':memory:' in tests) or postgresStorage, not ${storage.kind}`,
    )
  }
  const tables = tableProjections.length
    ? new TableRunner(storage, tableProjections, onError, options.tables)
    : undefined
  const runner = new ProjectionRunner(storage, projections, onError)
  const snapshots = new SnapshotRunner(storage, options.snapshots ?? [], onError, {
    erasure: personal !== undefined,
  })
  const closing = new Signal<void>()
  const fanout = new Fanout(storage)
  const polls = new Slots(
    'long polls',
    {
      total: limits.maxLongPolls,
      perTenant: limits.maxLongPollsPerTenant,
      perPrincipal: limits.maxLongPollsPerPrincipal,
    },
    ['maxLongPolls', 'maxLongPollsPerTenant', 'maxLongPollsPerPrincipal'],
    limits.retryAfterSeconds,
  )
  const streams = new Slots(
    'event streams',
    {
      total: limits.maxStreams,
      perTenant: limits.maxStreamsPerTenant,
      perPrincipal: limits.maxStreamsPerPrincipal,
    },
    ['maxStreams', 'maxStreamsPerTenant', 'maxStreamsPerPrincipal'],
    limits.retryAfterSeconds,
  )
  // A request that waits ends when its client goes or the server closes. One listener per
  // waiting request on a shared AbortSignal (AbortSignal.any) would pile up thousands.
  const whileOpen = async <T>(request: Request, fn: (signal: AbortSignal) => Promise<T>) => {
    const ctrl = new AbortController()
    const end = () => ctrl.abort()
    request.signal.addEventListener('abort', end)
    const unsubscribe = closing.subscribe(end)
    try {
      return await fn(ctrl.signal)
    } finally {
      unsubscribe()
      request.signal.removeEventListener('abort', end)
    }
  }

  const app = new Hono({ strict: false })
  const { allowedHosts } = options
  if (allowedHosts !== undefined) {
    app.use(async (c, next) => {
      checkHost(c.req.raw, allowedHosts)
      await next()
    })
  }
  if (options.cors) app.use(corsMiddleware(options.cors))
  const routes = options.basePath ? app.basePath(options.basePath) : app
  routes.post('/events', async (c) => {
    const principal = await authenticate(authorize, c.req.raw)
    const body = await readJsonBody(c.req.raw, limits.maxBodyBytes)
    return json(
      await appendEvents(
        { storage, inline, validate, limits, personal, opened, tables },
        principal,
        body,
      ),
    )
  })
  routes.get('/events', async (c) => {
    const principal = await authenticate(authorize, c.req.raw)
    const deps = { storage, fanout, polls }
    const url = new URL(c.req.url)
    return jsonText(
      await whileOpen(c.req.raw, (signal) => readEvents(deps, limits, principal, url, signal)),
    )
  })
  routes.get('/events/stream', async (c) => {
    const principal = await authenticate(authorize, c.req.raw)
    return eventStream(c, { storage, fanout, streams, limits, closing }, principal)
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
    // A view read may wait for its projection: it holds a long-poll slot meanwhile.
    const release = polls.take(holderOf(principal))
    try {
      const table = tables?.get(c.req.param('name'))
      return await whileOpen(c.req.raw, (signal) =>
        table
          ? readTableView(
              tables!,
              storage,
              limits,
              principal,
              table,
              new Request(c.req.raw, { signal }),
              new URL(c.req.url),
            )
          : readView(
              runner,
              storage,
              limits,
              principal,
              c.req.param('name'),
              new Request(c.req.raw, { signal }),
              new URL(c.req.url),
            ),
      )
    } finally {
      release()
    }
  })
  routes.get('/views/:name/status', async (c) => {
    const principal = await authenticate(authorize, c.req.raw)
    const table = tables?.get(c.req.param('name'))
    if (!table)
      throw new StrataWireError(
        'not_found',
        `No table projection named ${JSON.stringify(c.req.param('name'))}`,
      )
    return json(await tableStatus(tables!, storage, principal, table))
  })
  routes.get('/snapshots/:name', async (c) => {
    const principal = await authenticate(authorize, c.req.raw)
    // It may wait for a first fold, as a view read waits for its projection: it holds a slot.
    const release = polls.take(holderOf(principal))
    try {
      return await whileOpen(c.req.raw, (signal) =>
        readSnapshot(snapshots, limits, principal, c.req.param('name'), new URL(c.req.url), signal),
      )
    } finally {
      release()
    }
  })
  const wipe = { due: true }
  routes.post('/subjects/:id/forget', async (c) => {
    const principal = await authenticate(authorize, c.req.raw)
    const deps = {
      storage,
      raw: options.storage,
      append: { inline, personal, opened, tables, limits },
      projections,
      snapshots,
      onForget: options.onForget,
      opened,
      wipe,
      tables: tableProjections,
      onError,
    }
    // A non-admin hears 403 from forgetSubject, whatever the id.
    const subject = principal.admin === true ? subjectOf(c.req.raw) : c.req.param('id')
    return json(await forgetSubject(deps, principal, subject))
  })
  for (const path of [
    '/events',
    '/events/stream',
    '/views/:name',
    '/snapshots/:name',
    '/limits',
    '/subjects/:id/forget',
  ]) {
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
    stats: () => ({ longPolls: polls.count, streams: streams.count }),
    close: async () => {
      closed = true
      closing.emit()
      fanout.close()
      await runner.close()
      await tables?.close()
      await snapshots.close()
    },
  }
}

/**
 * The `:id` of `/subjects/:id/forget`, percent-decoded strictly: the router keeps an escape it
 * cannot decode as typed, so `%E0%A4%A` would forget that text and answer 200 while the person
 * meant stays. Refused with 400 instead.
 */
function subjectOf(request: Request): string {
  const raw = new URL(request.url).pathname.replace(/\/+$/, '').split('/').at(-2) ?? ''
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new StrataWireError(
      'bad_request',
      `The subject ${JSON.stringify(raw)} is not percent-encoded UTF-8; send encodeURIComponent(subject)`,
      { path: ['subject'] },
    )
  }
}
