import type { EventServer, Storage } from '@strata/state/server'
import type {
  JsonValue,
  PostEventsResponse,
  ReadEventsResponse,
  WireEvent,
} from '../../src/protocol'
import { START_TOKEN } from '../../src/protocol'

export const BASE = 'http://strata.test'

export function wireEvent(clientSeq: number, overrides: Partial<WireEvent> = {}): WireEvent {
  return {
    clientSeq,
    id: `e-${clientSeq}-${Math.random().toString(36).slice(2, 8)}`,
    stream: 'todos',
    type: 'added',
    payload: { n: clientSeq },
    at: 1_700_000_000_000 + clientSeq,
    commandId: null,
    ...overrides,
  }
}

/** `count` events from `from`, with ids fixed by client and seq so a resend is identical. */
export function events(
  clientId: string,
  from: number,
  count: number,
  overrides: Partial<WireEvent> = {},
): WireEvent[] {
  return Array.from({ length: count }, (_, i) =>
    wireEvent(from + i, { id: `${clientId}-${from + i}`, ...overrides }),
  )
}

export function batch(clientId: string, list: readonly unknown[]) {
  return { protocol: 1, clientId, events: list }
}

export function postRequest(
  body: unknown,
  headers: Record<string, string> = {},
  base = BASE,
): Request {
  return new Request(`${base}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

export async function post(
  server: EventServer,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const response = await server.fetch(postRequest(body, headers))
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as any,
  }
}

export async function postOk(
  server: EventServer,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<PostEventsResponse> {
  const response = await post(server, body, headers)
  if (response.status !== 200)
    throw new Error(`expected 200, got ${response.status}: ${JSON.stringify(response.body)}`)
  return response.body
}

export async function get(
  server: EventServer,
  path: string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
) {
  const response = await server.fetch(
    new Request(`${BASE}${path}`, { headers, ...(signal ? { signal } : {}) }),
  )
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as any) : undefined,
  }
}

export async function readAll(
  server: EventServer,
  headers: Record<string, string> = {},
  after = START_TOKEN,
) {
  const out: ReadEventsResponse['events'] = []
  let token = after
  while (true) {
    const { status, body } = await get(server, `/events?after=${token}&limit=50`, headers)
    if (status !== 200) throw new Error(`read failed ${status}: ${JSON.stringify(body)}`)
    out.push(...body.events)
    token = body.token
    if (!body.hasMore) return { events: out, token }
  }
}

/** Wraps a storage so appends fail after doing all their writes: a rollback must undo them. */
export function failingAppends(storage: Storage, shouldFail: () => boolean): Storage {
  return {
    ...storage,
    kind: storage.kind,
    append: (fn) =>
      storage.append(async (tx) => {
        const result = await fn(tx)
        if (shouldFail()) throw new Error('simulated database failure after writes')
        return result
      }),
  }
}

export const counter = {
  name: 'count',
  mode: 'async' as const,
  initialState: { count: 0, ids: [] as string[] } as JsonValue,
  apply: (state: any, event: { id: string }) => ({
    count: state.count + 1,
    ids: [...state.ids, event.id],
  }),
}

export const snapshotPrototype = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',')
