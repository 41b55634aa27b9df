import { createStore } from '@strata/state'
import {
  createEventServer,
  type EventServerOptions,
  memoryStorage,
  type Projection,
} from '@strata/state/server'
import type { SyncClock } from '@strata/state/sync'

export type CounterEvent =
  | { type: 'added'; payload: { key: string; by: number } }
  | { type: 'set'; payload: { key: string; value: number } }
export type Counters = Record<string, number>

export function counterReducer(draft: Counters, event: CounterEvent) {
  if (event.type === 'added')
    draft[event.payload.key] = (draft[event.payload.key] ?? 0) + event.payload.by
  if (event.type === 'set') draft[event.payload.key] = event.payload.value
}

/** A store whose `increment` command reads the state, so a rebase re-runs it on new facts. */
export function counterStore() {
  return createStore({
    initialState: {} as Counters,
    reducer: counterReducer,
    commands: {
      add: (_state: Counters, payload: { key: string; by: number }) => ({
        type: 'added' as const,
        payload,
      }),
      increment: (state: Counters, key: string) => ({
        type: 'set' as const,
        payload: { key, value: (state[key] ?? 0) + 1 },
      }),
      set: (_state: Counters, payload: { key: string; value: number }) => ({
        type: 'set' as const,
        payload,
      }),
    },
  })
}

/** The server's fold of its events: what every client must converge to. */
export function fold(events: readonly { type: string; payload: unknown }[]): Counters {
  const state: Counters = {}
  for (const e of events) counterReducer(state, e as CounterEvent)
  return state
}

/** A clock whose timers run only when the test advances it. */
export function manualClock(start = 1_000_000) {
  let now = start
  let nextId = 1
  const timers = new Map<number, { at: number; run: () => void }>()
  const clock: SyncClock & { advance(ms: number): void; timers(): number[] } = {
    now: () => now,
    setTimeout(run, ms) {
      const id = nextId++
      timers.set(id, { at: now + Math.max(0, ms), run })
      return id
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    advance(ms) {
      const end = now + ms
      while (true) {
        const due = [...timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0]
        if (!due) break
        timers.delete(due[0])
        now = Math.max(now, due[1].at)
        due[1].run()
      }
      now = end
    },
    /** Delays of the timers waiting, from now. */
    timers: () => [...timers.values()].map((t) => t.at - now).sort((a, b) => a - b),
  }
  return clock
}

/** A counters projection, folded asynchronously, with an optional delay per event. */
export function countersProjection(delay?: () => Promise<void>): Projection<Counters> {
  return {
    name: 'counters',
    mode: 'async',
    initialState: {},
    async apply(state, event) {
      await delay?.()
      const next = { ...state }
      counterReducer(next, { type: event.type, payload: event.payload } as CounterEvent)
      return next
    },
  }
}

export interface RecordedRequest {
  method: string
  path: string
  body: any
}

/** The real server handler on memory storage, with every request recorded. */
export function testServer(options: Omit<EventServerOptions, 'storage'> = {}) {
  const storage = memoryStorage()
  const server = createEventServer({ storage, ...options, onError: () => {} })
  const requests: RecordedRequest[] = []
  const fetch = async (r: Request) => {
    const url = new URL(r.url)
    const body = r.method === 'POST' ? await r.clone().json() : undefined
    requests.push({ method: r.method, path: url.pathname + url.search, body })
    return server.fetch(r)
  }
  const posts = () => requests.filter((r) => r.method === 'POST').map((r) => r.body)
  /** Every stored event, read through the server's own API. */
  async function stored() {
    const request = new Request('http://s/events?limit=1000', {
      headers: { authorization: 'Bearer good' },
    })
    const response = await server.fetch(request)
    const body = (await response.json()) as {
      events: {
        clientId: string
        clientSeq: number
        type: string
        payload: unknown
        id: string
        position: string
        commandId: string | null
        stream: string
        streamVersion: number
      }[]
    }
    return body.events
  }
  return { server, storage, fetch, requests, posts, stored }
}

export type Fault = 'pass' | 'network' | 'lost' | 'error500'

/**
 * Wraps a fetch with faults chosen per request: the request never arrives (`network`), arrives
 * but its response is lost (`lost`), or the server fails (`error500`, nothing stored).
 */
export function faulty(
  fetch: (r: Request) => Promise<Response>,
  choose: (request: Request) => Fault,
) {
  const delivered: Response[] = []
  const wrapped = async (request: Request) => {
    const fault = choose(request)
    if (fault === 'network') throw new TypeError('Failed to fetch')
    if (fault === 'error500') {
      return Response.json({ error: { code: 'internal', message: 'boom' } }, { status: 500 })
    }
    const response = await fetch(request)
    if (fault === 'lost') {
      delivered.push(response)
      throw new TypeError('Failed to fetch (connection reset)')
    }
    return response
  }
  return Object.assign(wrapped, { lost: delivered })
}

export const isPost = (r: Request) => r.method === 'POST'

/** An in-memory Web Locks API (exclusive locks, queued requests, abortable while waiting). */
export function fakeLocks() {
  const held = new Set<string>()
  const queues = new Map<string, (() => void)[]>()
  const release = (name: string) => {
    const next = queues.get(name)?.shift()
    if (next) next()
    else held.delete(name)
  }
  return {
    held,
    async request(
      name: string,
      options: { signal?: AbortSignal },
      callback: (lock: unknown) => Promise<void>,
    ) {
      if (held.has(name)) {
        await new Promise<void>((resolve, reject) => {
          const queue = queues.get(name) ?? []
          queues.set(name, queue)
          const grant = () => resolve()
          queue.push(grant)
          options.signal?.addEventListener('abort', () => {
            const i = queue.indexOf(grant)
            if (i >= 0) queue.splice(i, 1)
            reject(new DOMException('aborted', 'AbortError'))
          })
        })
      }
      held.add(name)
      try {
        return await callback({ name })
      } finally {
        release(name)
      }
    },
    async query() {
      return { held: [...held].map((name) => ({ name })) }
    },
  }
}
