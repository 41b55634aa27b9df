import { createMockServer } from '@strata/state/msw'
import type { Projection } from '@strata/state/server'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseLimitsResponse, readWireError } from '../../src/protocol'

const API = 'http://app.test/api'
const counter: Projection<number> = { name: 'count', initialState: 0, apply: (n) => n + 1 }
let rolls: number[] = []
const mock = createMockServer({
  baseUrl: API,
  projections: [counter],
  onError: () => {},
  random: () => rolls.shift() ?? 0.99,
})
const msw = setupServer(...mock.handlers)
beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }))
afterEach(() => mock.reset())
afterAll(async () => {
  msw.close()
  await mock.close()
})

let seq = 0
const nextBatch = (clientId = 'tab') => {
  seq++
  return {
    protocol: 1,
    clientId,
    events: [
      { clientSeq: seq, id: `e${seq}`, stream: 's', type: 'added', payload: { seq }, at: seq },
    ],
  }
}
const post = (body: unknown) =>
  fetch(`${API}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('createMockServer', () => {
  it('serves the real protocol under the base URL, read-your-writes included', async () => {
    const response = await post(nextBatch())
    expect(response.status).toBe(200)
    const { token, results } = (await response.json()) as any
    expect(results[0].status).toBe('applied')
    const view = await fetch(`${API}/views/count`, { headers: { 'X-Min-Position': token } })
    expect(view.headers.get('x-position')).toBe(token)
    expect(await view.json()).toBe(1)
    const bad = await fetch(`${API}/events?after=oops`)
    expect(await readWireError(bad)).toMatchObject({ code: 'bad_token', status: 400 })
  })

  it('serves the server limits, so a client sizes its batches as against the real server', async () => {
    const response = await fetch(`${API}/limits`)
    expect(response.status).toBe(200)
    expect(parseLimitsResponse(await response.json())).toEqual({
      protocol: 1,
      maxBodyBytes: 1024 * 1024,
      maxEventsPerBatch: 1000,
      maxEventBytes: 64 * 1024,
    })
    mock.set({ fail500: true })
    expect((await fetch(`${API}/limits`)).status).toBe(500)
  })

  it('goes offline: network errors, nothing stored; then back online', async () => {
    const head = await mock.storage.head()
    mock.set({ offline: true })
    const body = nextBatch()
    await expect(post(body)).rejects.toThrow(TypeError)
    expect(await mock.storage.head()).toBe(head)
    mock.set({ offline: false })
    expect((await post(body)).status).toBe(200)
  })

  it('fails with typed 500s, storing nothing, at the given rate', async () => {
    const head = await mock.storage.head()
    mock.set({ fail500: 0.5 })
    rolls = [0.2, 0.7]
    const body = nextBatch()
    const failed = await post(body)
    expect(failed.status).toBe(500)
    expect(await readWireError(failed)).toMatchObject({ code: 'internal', retryable: true })
    expect(await mock.storage.head()).toBe(head)
    expect((await post(body)).status).toBe(200)
    expect(await mock.storage.head()).toBe(head + 1)
  })

  it('loses the response after commit; the retry is a duplicate with the original position', async () => {
    mock.set({ loseResponseAfterCommit: true })
    const body = nextBatch()
    await expect(post(body)).rejects.toThrow(TypeError)
    const head = await mock.storage.head()
    mock.set({ loseResponseAfterCommit: false })
    const retry = (await (await post(body)).json()) as any
    expect(retry.results[0]).toEqual({
      clientSeq: seq,
      status: 'duplicate',
      position: `v1:${head}`,
    })
    expect(await mock.storage.head()).toBe(head)
    const view = await fetch(`${API}/views/count`, { headers: { 'X-Min-Position': retry.token } })
    expect(view.status).toBe(200)
  })

  it('adds latency per request', async () => {
    mock.set({ latencyMs: 300 })
    const order: string[] = []
    const slow = fetch(`${API}/events`).then(() => order.push('slow'))
    // Let the slow request reach the handler (and read its latency) before switching it off.
    await new Promise((r) => setTimeout(r, 50))
    mock.set({ latencyMs: 0 })
    const fast = fetch(`${API}/events`).then(() => order.push('fast'))
    await Promise.all([slow, fast])
    expect(order).toEqual(['fast', 'slow'])
  })
})
