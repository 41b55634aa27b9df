import { delay, type HttpHandler, HttpResponse, http } from 'msw'
import type { ErrorResponse } from '../protocol'
import { createEventServer } from '../server/server'
import { memoryStorage } from '../server/storage/memory'
import type { EventServer, EventServerOptions, Storage } from '../server/types'

/** Faults to simulate; change them any time with `mock.set(...)`. */
export interface MockSwitches {
  /** Milliseconds added before every request is handled. */
  latencyMs: number
  /** Answer 500 without touching the store: true, or a probability from 0 to 1. */
  fail500: boolean | number
  /** `POST /events` commits, then the response is lost (a network error): the retry case. */
  loseResponseAfterCommit: boolean
  /** Every request fails as a network error, as with no connection. */
  offline: boolean
}

export interface MockServerOptions
  extends Omit<EventServerOptions, 'storage' | 'basePath'>,
    Partial<MockSwitches> {
  /** Where the handlers answer: `http://localhost/api`, `/api`, or `*` for any origin. Default `*`. */
  baseUrl?: string
  /** Default a fresh `memoryStorage()` (closed by `close()`; a given storage is left open). */
  storage?: Storage
  /** Random source of `fail500` probabilities, for seeded tests. Default Math.random. */
  random?: () => number
}

export interface MockServer {
  /** Pass to `setupServer(...)` / `setupWorker(...)`, or a story's `msw.handlers`. */
  handlers: HttpHandler[]
  /** The real event server behind the handlers. */
  server: EventServer
  storage: Storage
  readonly switches: Readonly<MockSwitches>
  set(switches: Partial<MockSwitches>): void
  /** Back to the switches given at creation. */
  reset(): void
  close(): Promise<void>
}

const NO_FAULTS: MockSwitches = {
  latencyMs: 0,
  fail500: false,
  loseResponseAfterCommit: false,
  offline: false,
}

/** The path part of a base URL: `http://x/api` → `/api`, `*` → ``. */
function basePathOf(baseUrl: string): string {
  const rest = baseUrl.replace(/^\*/, '')
  let path = rest
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) path = new URL(rest).pathname
  return path.replace(/\/+$/, '')
}

/**
 * msw handlers backed by the real server handler (on memory storage by default), for tests and
 * stories: clients meet the same protocol, errors and idempotency as in production, plus
 * switches for latency, 500s, a response lost after commit, and offline.
 */
export function createMockServer(options: MockServerOptions = {}): MockServer {
  const ownStorage = !options.storage
  const {
    baseUrl = '*',
    storage = memoryStorage(),
    random = Math.random,
    latencyMs,
    fail500,
    loseResponseAfterCommit,
    offline,
    ...rest
  } = options
  const initial: MockSwitches = { ...NO_FAULTS }
  if (latencyMs !== undefined) initial.latencyMs = latencyMs
  if (fail500 !== undefined) initial.fail500 = fail500
  if (loseResponseAfterCommit !== undefined)
    initial.loseResponseAfterCommit = loseResponseAfterCommit
  if (offline !== undefined) initial.offline = offline
  let switches = { ...initial }
  const basePath = basePathOf(baseUrl)
  const server = createEventServer({ ...rest, storage, ...(basePath ? { basePath } : {}) })
  const root = baseUrl.replace(/\/+$/, '')

  const handle = async ({ request }: { request: Request }) => {
    const now = switches
    if (now.offline) return HttpResponse.error()
    if (now.latencyMs > 0) await delay(now.latencyMs)
    const failing =
      now.fail500 === true || (typeof now.fail500 === 'number' && random() < now.fail500)
    if (failing) {
      const body: ErrorResponse = {
        error: {
          code: 'internal',
          message: 'Simulated server failure (mock switch fail500); nothing was stored',
        },
      }
      return HttpResponse.json(body, { status: 500 })
    }
    const response = await server.fetch(request)
    if (now.loseResponseAfterCommit && request.method === 'POST') {
      await response.body?.cancel()
      return HttpResponse.error()
    }
    return response
  }

  return {
    handlers: [
      http.all(`${root}/events`, handle),
      http.all(`${root}/events/stream`, handle),
      http.all(`${root}/views/:name`, handle),
      http.all(`${root}/limits`, handle),
    ],
    server,
    storage,
    get switches() {
      return switches
    },
    set: (next) => {
      switches = { ...switches, ...next }
    },
    reset: () => {
      switches = { ...initial }
    },
    close: async () => {
      await server.close()
      if (ownStorage) await storage.close()
    },
  }
}
