import { describe, expect, it } from 'vitest'
import type { StoredWireEvent } from '../../src/protocol'
import { batch, events, wireEvent } from './helpers'
import { postgresForProcesses, type ServerProcess, startServerProcess } from './processes'

const cluster = postgresForProcesses()
const { running } = cluster

const start = async (schema: string, holdType?: string) => {
  const env: Record<string, string> = {
    STRATA_PG_URL: cluster.postgres().url,
    STRATA_SCHEMA: schema,
  }
  if (holdType) env.STRATA_HOLD_TYPE = holdType
  const process = await startServerProcess(env)
  running.push(process)
  return process
}
const post = (server: ServerProcess, body: unknown) =>
  fetch(`${server.url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
const read = async (server: ServerProcess, after: string, wait = 0) =>
  (await (await fetch(`${server.url}/events?after=${after}&wait=${wait}`)).json()) as {
    events: StoredWireEvent[]
    token: string
  }

describe('PostgreSQL with several server processes', () => {
  it('never lets a reader skip the events of a writer whose transaction commits late', async () => {
    const schema = cluster.postgres().schema()
    const [a, b] = await Promise.all([start(schema, 'hold'), start(schema)])
    // Warm both processes (connections, code paths) so B's write is not slowed by a cold start.
    expect((await post(a, batch('warm-a', events('warm-a', 1, 1, { stream: 'w' })))).status).toBe(
      200,
    )
    expect((await post(b, batch('warm-b', events('warm-b', 1, 1, { stream: 'w' })))).status).toBe(
      200,
    )
    const holding = a.waitFor('HOLDING')
    const slowWrite = post(
      a,
      batch('writer-a', [wireEvent(1, { id: 'a1', type: 'hold', stream: 'a' })]),
    )
    await holding
    // A's transaction is open. B appends meanwhile, while readers poll both processes: with
    // positions that commit out of order, B's events would show and the token would pass A's.
    let fastDone = false
    const fastWrite = post(b, batch('writer-b', events('writer-b', 1, 3, { stream: 'b' }))).finally(
      () => {
        fastDone = true
      },
    )
    const seen: StoredWireEvent[] = []
    let token = 'v1:0'
    for (let i = 0, after = 0; i < 15 && after < 2; i++) {
      if (fastDone) after++
      const page = await read(i % 2 ? a : b, token, 100)
      seen.push(...page.events)
      token = page.token
    }
    a.release()
    expect((await slowWrite).status).toBe(200)
    expect((await fastWrite).status).toBe(200)
    for (let page = await read(b, token); page.events.length; page = await read(b, token)) {
      seen.push(...page.events)
      token = page.token
    }
    expect(seen.map((e) => e.id).sort()).toEqual([
      'a1',
      'warm-a-1',
      'warm-b-1',
      'writer-b-1',
      'writer-b-2',
      'writer-b-3',
    ])
    expect(seen.map((e) => e.position)).toEqual(['v1:1', 'v1:2', 'v1:3', 'v1:4', 'v1:5', 'v1:6'])
  }, 30_000)

  it('serves read-your-writes from another process through a slow async projection', async () => {
    const schema = cluster.postgres().schema()
    const [a, b] = await Promise.all([start(schema), start(schema)])
    for (let seq = 1; seq <= 3; seq++) {
      const response = await post(seq % 2 ? a : b, batch('c1', events('c1', seq, 2)))
      const { token } = (await response.json()) as { token: string }
      const view = await fetch(`${(seq % 2 ? b : a).url}/views/slow`, {
        headers: { 'X-Min-Position': token },
      })
      expect(view.status).toBe(200)
      const { ids } = (await view.json()) as { ids: string[] }
      expect(ids).toContain(`c1-${seq + 1}`)
    }
  }, 30_000)

  it('wakes long polls and SSE streams in every process when any process appends', async () => {
    const schema = cluster.postgres().schema()
    const [a, b] = await Promise.all([start(schema), start(schema)])
    const stream = await fetch(`${b.url}/events/stream?after=v1:0`)
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader()
    const poll = read(b, 'v1:0', 30_000)
    await new Promise((r) => setTimeout(r, 100))
    expect((await post(a, batch('c1', events('c1', 1, 2)))).status).toBe(200)
    expect((await poll).events.map((e) => e.id)).toEqual(['c1-1', 'c1-2'])
    let text = ''
    while (!text.includes('event: poke')) text += (await reader.read()).value
    expect(text).toContain('data: {"head":"v1:2"}')
    await reader.cancel()
  }, 20_000)

  it('stores nothing of a batch whose process is killed mid-transaction; the retry lands once', async () => {
    const schema = cluster.postgres().schema()
    const [a, b] = await Promise.all([start(schema, 'hold'), start(schema)])
    const body = batch('c1', [...events('c1', 1, 2), wireEvent(3, { id: 'c1-3', type: 'hold' })])
    const holding = a.waitFor('HOLDING')
    const doomed = post(a, body).catch((error: unknown) => error)
    await holding
    await a.kill()
    expect(await doomed).toBeInstanceOf(Error)
    expect((await read(b, 'v1:0')).events).toEqual([])
    const retry = await (await post(b, body)).json()
    expect(retry.results.map((r: any) => r.status)).toEqual(['applied', 'applied', 'applied'])
    expect((await (await post(b, body)).json()).results.map((r: any) => r.status)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
    ])
    expect((await read(b, 'v1:0')).events.map((e) => e.id)).toEqual(['c1-1', 'c1-2', 'c1-3'])
  }, 30_000)
})
