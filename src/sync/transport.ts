import {
  buildReadEventsQuery,
  type LimitsResponse,
  MIN_POSITION_HEADER,
  POSITION_HEADER,
  type PostEventsRequest,
  type PostEventsResponse,
  parseLimitsResponse,
  parsePostEventsResponse,
  parseReadEventsResponse,
  parseSnapshotResponse,
  type ReadEventsQuery,
  type ReadEventsResponse,
  readWireError,
  type SnapshotResponse,
  StrataWireError,
} from '../protocol/index'

/** A fetch that takes a Request: `globalThis.fetch` and the server's own `fetch` both fit. */
export type FetchLike = (request: Request) => Promise<Response>

export interface TransportOptions {
  url?: string | URL | undefined
  fetch?: FetchLike | undefined
  credentials?: RequestCredentials | undefined
  getToken?: (() => string | null | undefined | Promise<string | null | undefined>) | undefined
}

export interface Transport {
  post(body: PostEventsRequest, signal?: AbortSignal): Promise<PostEventsResponse>
  read(query: ReadEventsQuery, signal?: AbortSignal): Promise<ReadEventsResponse>
  /**
   * `GET /snapshots/<name>`: the server snapshot, or one kept at least `events` events before
   * `before`; undefined while the server has none (404).
   */
  snapshot(
    name: string,
    page?: { before: string; events: number },
    signal?: AbortSignal,
    /** Told the position its headers give, before the body is read (the body's is the truth). */
    early?: (position: string) => void,
  ): Promise<SnapshotResponse | undefined>
  /** `GET /limits`: the server's request limits. */
  limits(signal?: AbortSignal): Promise<LimitsResponse>
  /** `GET /events/stream`, the SSE pokes; the body is read by the caller. */
  stream(after: string | undefined, signal?: AbortSignal): Promise<Response>
  /** Any request to the server, with the credential and, when given, the read-your-writes token. */
  request(input: RequestInfo | URL, init?: RequestInit, minPosition?: string): Promise<Response>
}

// Only the path matters to a handler called directly; a base keeps `new Request` happy.
const HANDLER_BASE = 'http://strata.localhost/'

/** The base URL endpoints hang off, always ending in `/`. */
export function baseUrl(url: string | URL | undefined): URL {
  const location = (globalThis as { location?: { href: string } }).location?.href
  const base = new URL(url ?? HANDLER_BASE, location ?? HANDLER_BASE)
  if (!base.pathname.endsWith('/')) base.pathname += '/'
  return base
}

/** Talks the protocol over a fetch: builds requests, adds credentials, types every failure. */
export function createTransport(options: TransportOptions): Transport {
  if (options.url === undefined && options.fetch === undefined) {
    throw new TypeError(
      '[strata] connectSync needs `url` (the server base URL, like "https://api.example.com/sync") ' +
        'or `fetch` (a handler such as createEventServer(...).fetch); received neither.',
    )
  }
  const base = baseUrl(options.url)
  const doFetch: FetchLike = options.fetch ?? ((request) => globalThis.fetch(request))

  async function send(request: Request): Promise<Response> {
    const token = await options.getToken?.()
    if (token) request.headers.set('authorization', `Bearer ${token}`)
    return doFetch(request)
  }

  async function checked(request: Request, early?: (position: string) => void): Promise<unknown> {
    const response = await send(request)
    if (!response.ok) throw await readWireError(response)
    const at = early && response.headers.get(POSITION_HEADER)
    if (at) early!(at)
    const text = await response.text()
    try {
      return JSON.parse(text)
    } catch (cause) {
      throw new StrataWireError(
        'bad_response',
        `Expected JSON from ${request.method} ${new URL(request.url).pathname}, received ${JSON.stringify(text.slice(0, 60))}`,
        { cause },
      )
    }
  }

  const init = (method: string, signal: AbortSignal | undefined, body?: string): RequestInit => {
    const result: RequestInit = { method, headers: { accept: 'application/json' } }
    if (body !== undefined) {
      result.body = body
      result.headers = { ...result.headers, 'content-type': 'application/json' }
    }
    if (options.credentials) result.credentials = options.credentials
    if (signal) result.signal = signal
    return result
  }

  return {
    async post(body, signal) {
      const request = new Request(
        new URL('events', base),
        init('POST', signal, JSON.stringify(body)),
      )
      return parsePostEventsResponse(await checked(request))
    },
    async read(query, signal) {
      const url = new URL('events', base)
      url.search = buildReadEventsQuery(query)
      return parseReadEventsResponse(await checked(new Request(url, init('GET', signal))))
    },
    async snapshot(name, page, signal, early) {
      const url = new URL(`snapshots/${encodeURIComponent(name)}`, base)
      if (page) {
        url.searchParams.set('before', page.before)
        url.searchParams.set('events', String(page.events))
      }
      try {
        return parseSnapshotResponse(await checked(new Request(url, init('GET', signal)), early))
      } catch (error) {
        if (error instanceof StrataWireError && error.code === 'not_found') return undefined
        throw error
      }
    },
    async limits(signal) {
      const request = new Request(new URL('limits', base), init('GET', signal))
      return parseLimitsResponse(await checked(request))
    },
    async stream(after, signal) {
      const url = new URL('events/stream', base)
      if (after !== undefined) url.searchParams.set('after', after)
      const request = new Request(url, init('GET', signal))
      request.headers.set('accept', 'text/event-stream')
      const response = await send(request)
      if (!response.ok) throw await readWireError(response)
      return response
    },
    async request(input, requestInit, minPosition) {
      const target =
        typeof input === 'string' || input instanceof URL ? new URL(input, base) : input
      const merged: RequestInit = { ...requestInit }
      if (options.credentials && !merged.credentials) merged.credentials = options.credentials
      const request = new Request(target, merged)
      if (minPosition !== undefined && !request.headers.has(MIN_POSITION_HEADER)) {
        request.headers.set(MIN_POSITION_HEADER, minPosition)
      }
      return send(request)
    },
  }
}
