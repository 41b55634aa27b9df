import { connectSync, type Sync } from '@strata/state/sync'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { counterStore, type Fault, faulty, isPost, manualClock, testServer } from './helpers'

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

function setup(choose: (r: Request, n: number) => Fault, random = () => 1) {
  const server = testServer()
  let posts = 0
  const fetch = faulty(server.fetch, (r) => (isPost(r) ? choose(r, ++posts) : 'pass'))
  const store = counterStore()
  const clock = manualClock()
  const sync = connectSync(store, {
    fetch,
    batch: { maxEvents: 10, maxDelayMs: 0 },
    persist: false,
    live: 'off',
    clock,
    random,
    retry: { baseMs: 100, maxMs: 1000 },
  })
  open.push(sync)
  return { server, store, clock, sync, fetch, posts: () => posts }
}

const add = (by: number) => ({ type: 'add' as const, payload: { key: 'a', by } })

describe('retries', () => {
  it.each([
    ['a network error', 'network'],
    ['a 500', 'error500'],
  ] as const)('retries after %s with exponential backoff, then delivers once', async (_, fault) => {
    const { server, store, clock, sync, posts } = setup((_, n) => (n <= 4 ? fault : 'pass'))
    store.dispatch(add(1))
    clock.advance(0)
    const delays: number[] = []
    for (let attempt = 1; attempt <= 4; attempt++) {
      await vi.waitFor(() => expect(sync.getSnapshot().retry?.attempt).toBe(attempt))
      delays.push(sync.getSnapshot().retry!.at - clock.now())
      clock.advance(delays.at(-1)!)
    }
    // random() = 1: each delay is the full bound, doubling up to maxMs.
    expect(delays).toEqual([100, 200, 400, 800])
    await vi.waitFor(() => expect(sync.status).toBe('idle'))
    expect(posts()).toBe(5)
    expect(await server.stored()).toHaveLength(1)
    expect(sync.getSnapshot().errors.map((e) => e.error.code)).toEqual(
      Array(4).fill(fault === 'network' ? 'network' : 'internal'),
    )
  })

  it('draws each delay at random below the bound (full jitter)', async () => {
    const draws = [0.5, 0.25]
    const { store, clock, sync } = setup(
      (_, n) => (n <= 2 ? 'error500' : 'pass'),
      () => draws.shift() ?? 0,
    )
    store.dispatch(add(1))
    clock.advance(0)
    await vi.waitFor(() => expect(sync.getSnapshot().retry?.attempt).toBe(1))
    expect(sync.getSnapshot().retry!.at - clock.now()).toBe(50)
    clock.advance(50)
    await vi.waitFor(() => expect(sync.getSnapshot().retry?.attempt).toBe(2))
    expect(sync.getSnapshot().retry!.at - clock.now()).toBe(50)
  })

  it("waits at least the server's Retry-After before retrying", async () => {
    const server = testServer()
    let posts = 0
    const fetch = async (r: Request) => {
      if (r.method === 'POST' && ++posts === 1) {
        return Response.json(
          { error: { code: 'unavailable', message: 'busy' } },
          { status: 503, headers: { 'retry-after': '5' } },
        )
      }
      return server.fetch(r)
    }
    const store = counterStore()
    const clock = manualClock()
    const sync = connectSync(store, {
      fetch,
      batch: { maxEvents: 10, maxDelayMs: 0 },
      persist: false,
      live: 'off',
      clock,
      random: () => 1,
      retry: { baseMs: 100, maxMs: 1000 },
    })
    open.push(sync)
    store.dispatch(add(1))
    await vi.waitFor(() => expect(sync.getSnapshot().retry?.attempt).toBe(1))
    // The backoff alone would wait 100 ms; the server asked for 5 s.
    expect(sync.getSnapshot().retry!.at - clock.now()).toBe(5000)
    expect(sync.getSnapshot().errors[0]!.error).toMatchObject({
      code: 'unavailable',
      retryAfterMs: 5000,
    })
    clock.advance(4999)
    await new Promise((r) => setTimeout(r, 20))
    expect(posts).toBe(1)
    clock.advance(1)
    await vi.waitFor(() => expect(sync.status).toBe('idle'))
    expect(posts).toBe(2)
    expect(await server.stored()).toHaveLength(1)
  })

  it('a network error makes the status offline; it is idle again once delivered', async () => {
    let online = false
    const { store, clock, sync } = setup(() => (online ? 'pass' : 'network'))
    store.dispatch(add(1))
    store.dispatch(add(2))
    clock.advance(0)
    await vi.waitFor(() => expect(sync.status).toBe('offline'))
    expect(sync.getSnapshot().outbox.map((e) => e.clientSeq)).toEqual([1, 2])
    // More events while offline join the outbox; nothing is lost or reordered.
    store.dispatch(add(3))
    clock.advance(0)
    expect(store.getState()).toEqual({ a: 6 })
    online = true
    clock.advance(1000)
    await vi.waitFor(() => expect(sync.status).toBe('idle'))
    expect(store.logs.events.map((e) => e.position)).toEqual(['v1:1', 'v1:2', 'v1:3'])
  })

  it('a response lost after commit: the retry is answered with the original positions, stored once', async () => {
    const { server, store, clock, sync, fetch } = setup((_, n) => (n === 1 ? 'lost' : 'pass'))
    store.dispatch(add(1))
    store.dispatch(add(2))
    clock.advance(0)
    await vi.waitFor(() => expect(fetch.lost).toHaveLength(1))
    const original = (await fetch.lost[0]!.json()) as { results: { position: string }[] }
    await vi.waitFor(() => expect(sync.getSnapshot().retry?.attempt).toBe(1))
    clock.advance(1000)
    await vi.waitFor(() => expect(sync.status).toBe('idle'))
    expect(store.logs.events.map((e) => e.position)).toEqual(
      original.results.map((r) => r.position),
    )
    expect(server.posts()[1].events).toEqual(server.posts()[0].events)
    expect(await server.stored()).toHaveLength(2)
    expect(sync.position).toBe('v1:2')
  })
})
