/**
 * Real servers on loopback for the attack tests: `serve()` on a free port, principals chosen by
 * a bearer token of the form `<principal>@<tenant>`, and small fetch helpers that send as one.
 */
import {
  memoryStorage,
  type Principal,
  postgresStorage,
  type RunningServer,
  type ServeOptions,
  type Storage,
  serve,
  sqliteStorage,
} from '@strata/state/server'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { startPostgres, type TestPostgres } from './pg'

/** `Bearer alice@acme` is alice of tenant acme; no token or another form is refused. */
export const byToken = (request: Request): Principal | null => {
  const match = /^Bearer ([a-z]+)@([a-z]+)$/.exec(request.headers.get('authorization') ?? '')
  return match ? { id: match[1]!, tenant: match[2]! } : null
}

const running: RunningServer[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()))
})

/** A server on a free loopback port, closed after the test. */
export async function start(options: ServeOptions = {}): Promise<RunningServer> {
  const server = await serve({
    port: 0,
    storage: memoryStorage(),
    authorize: byToken,
    onError: () => {},
    log: () => {},
    ...options,
  })
  running.push(server)
  return server
}

/** `Bearer root@acme` is an admin of acme; every other principal of the form is not. */
export const withAdmins = (request: Request): Principal | null => {
  const principal = byToken(request)
  return principal && principal.id === 'root' ? { ...principal, admin: true } : principal
}

/** The stores an attack runs on: name, whether it runs SQL, and a fresh empty one. */
export type AttackStore = [name: string, sql: boolean, make: () => Promise<Storage>]

/**
 * Memory, SQLite and PostgreSQL (one embedded cluster for the file, a schema per store), for
 * `describe.each`. Stores are closed after the file.
 */
export function attackStores(): AttackStore[] {
  let postgres: TestPostgres | undefined
  const made: Storage[] = []
  beforeAll(async () => {
    postgres = await startPostgres()
  }, 60_000)
  afterAll(async () => {
    await Promise.all(made.splice(0).map((s) => s.close().catch(() => {})))
    await postgres?.stop()
  }, 60_000)
  const keep = (storage: Storage) => {
    made.push(storage)
    return storage
  }
  return [
    ['memory', false, async () => keep(memoryStorage())],
    ['sqlite', true, async () => keep(sqliteStorage(':memory:'))],
    [
      'postgres',
      true,
      async () => keep(await postgresStorage(postgres!.pool(10), { schema: postgres!.schema() })),
    ],
  ]
}

/**
 * The same store as the server read it before `readText` (and `readPage`): every payload parsed, opened and
 * encoded again. A server on it is the slow path an answer from stored text must equal.
 */
export function withoutReadText(storage: Storage): Storage {
  const { readText: _, readPage: __, ...whole } = storage
  return whole
}

/** `POST /subjects/<id>/forget` as `who`. */
export async function forget(url: string, subject: string, who?: string) {
  const response = await fetch(`${url}/subjects/${encodeURIComponent(subject)}/forget`, {
    method: 'POST',
    headers: who ? { authorization: `Bearer ${who}` } : {},
  })
  return { status: response.status, body: await response.json() }
}

export interface Caller {
  post(body: unknown): Promise<{ status: number; body: any; headers: Headers }>
  get(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>
  /** Opens the SSE stream; read it with `readUntil`. */
  stream(query?: string, headers?: Record<string, string>): Promise<Response>
  headers: Record<string, string>
}

/** Requests to `url` as `who` (`alice@acme`), or anonymous. */
export function as(url: string, who?: string): Caller {
  const headers: Record<string, string> = who ? { authorization: `Bearer ${who}` } : {}
  const answer = async (response: Response) => {
    const text = await response.text()
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
    }
  }
  return {
    headers,
    post: async (body) =>
      answer(
        await fetch(`${url}/events`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      ),
    get: async (path, more = {}) =>
      answer(await fetch(`${url}${path}`, { headers: { ...headers, ...more } })),
    stream: (query = '', more = {}) =>
      fetch(`${url}/events/stream${query}`, { headers: { ...headers, ...more } }),
  }
}

/** Reads an SSE body until `text` shows up, or `maxChunks` chunks went by. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  text: string,
  maxChunks = 50,
): Promise<string> {
  let seen = ''
  for (let i = 0; i < maxChunks && !seen.includes(text); i++) {
    const { value, done } = await reader.read()
    if (done) break
    seen += value
  }
  return seen
}

export const textOf = (response: Response) =>
  response.body!.pipeThrough(new TextDecoderStream()).getReader()

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
