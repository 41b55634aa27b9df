import {
  type ConfirmedBatch,
  connectSync,
  remoteEventId,
  type Sync,
  type SyncOptions,
} from '@strata/state/sync'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { StrataWireError } from '../../src/protocol/index'
import { counterStore, manualClock, testServer } from './helpers'

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

function client(fetch: (r: Request) => Promise<Response>, options: Partial<SyncOptions<any>> = {}) {
  const store = counterStore()
  const sync = connectSync(store, {
    fetch,
    batch: { maxEvents: 10, maxDelayMs: 0 },
    persist: false,
    live: 'off',
    clock: manualClock(),
    ...options,
  })
  open.push(sync)
  return { store, sync }
}

const add = (key: string, by: number) => ({ type: 'add' as const, payload: { key, by } })
/** An `added` event padded to about `bytes` bytes of payload. */
const fat = (key: string, by: number, bytes: number) => ({
  type: 'add' as const,
  payload: { key, by, pad: 'x'.repeat(bytes) },
})
const utf8 = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength
const limitRequests = (server: ReturnType<typeof testServer>) =>
  server.requests.filter((r) => r.path === '/limits')

describe('an event over maxEventBytes', () => {
  it('alone in its batch: rejected and marked on its entry; the outbox moves on', async () => {
    const server = testServer({ limits: { maxEventBytes: 256 } })
    const { store, sync } = client(server.fetch)
    store.dispatch(fat('a', 1, 400))
    await sync.flush()
    const entry = store.logs.events[0]!
    expect(entry.rejected).toBeInstanceOf(StrataWireError)
    expect(entry.rejected).toMatchObject({
      code: 'too_large',
      details: { limit: 'maxEventBytes', max: 256 },
    })
    // Its effect is undone.
    expect(store.getState()).toEqual({})
    expect(sync.getSnapshot().rejected).toEqual([
      { id: entry.id, type: 'added', clientSeq: 1, error: entry.rejected },
    ])
    // The server processed seq 1, so seq 2 is not a gap.
    store.dispatch(add('a', 2))
    await sync.flush()
    expect(store.logs.events[1]!.position).toBe('v1:1')
    expect((await server.stored()).map((e) => e.clientSeq)).toEqual([2])
    expect(store.getState()).toEqual({ a: 2 })
    expect(sync.status).toBe('idle')
    expect(sync.getSnapshot().errors).toEqual([])
  })
})

describe('batches sized to the server limits (GET /limits)', () => {
  it('sends at most maxEventsPerBatch events a request, without a 413; asks once', async () => {
    const server = testServer({ limits: { maxEventsPerBatch: 2 } })
    const { store, sync } = client(server.fetch)
    await sync.ready
    sync.pause()
    for (let i = 1; i <= 5; i++) store.dispatch(add('a', i))
    await vi.waitFor(() =>
      expect(sync.getSnapshot().outbox.map((e) => e.clientSeq)).toEqual([1, 2, 3, 4, 5]),
    )
    sync.resume()
    await sync.flush()
    expect(server.posts().map((b) => b.events.map((e: any) => e.clientSeq))).toEqual([
      [1, 2],
      [3, 4],
      [5],
    ])
    expect(sync.getSnapshot().errors).toEqual([])
    store.dispatch(add('a', 6))
    await sync.flush()
    expect(store.getState()).toEqual({ a: 21 })
    expect(limitRequests(server)).toHaveLength(1)
  })

  it('keeps each request body within maxBodyBytes, without a 413', async () => {
    const server = testServer({ limits: { maxBodyBytes: 1500 } })
    const { store, sync } = client(server.fetch)
    await sync.ready
    sync.pause()
    for (let i = 1; i <= 6; i++) store.dispatch(fat('a', i, 400))
    await vi.waitFor(() => expect(sync.getSnapshot().outbox.at(-1)?.clientSeq).toBe(6))
    sync.resume()
    await sync.flush()
    const posts = server.posts()
    expect(posts.length).toBeGreaterThan(1)
    for (const body of posts) expect(utf8(body)).toBeLessThanOrEqual(1500)
    expect(posts.flatMap((b) => b.events.map((e: any) => e.clientSeq))).toEqual([1, 2, 3, 4, 5, 6])
    expect(sync.getSnapshot().errors).toEqual([])
    expect(store.getState()).toEqual({ a: 21 })
  })

  it('rejects an event too large for any request before it gets a clientSeq', async () => {
    const server = testServer({ limits: { maxBodyBytes: 1500, maxEventBytes: 4000 } })
    const { store, sync } = client(server.fetch)
    store.dispatch(add('a', 1))
    await sync.flush()
    expect(limitRequests(server)).toHaveLength(1)
    // Known limits now: this one could never be read by the server, so it never leaves.
    store.dispatch(fat('a', 100, 2000))
    store.dispatch(add('a', 2))
    await sync.flush()
    const bad = store.logs.events.find((e) => e.type === 'added' && e.payload.by === 100)!
    expect(bad.rejected).toMatchObject({
      code: 'too_large',
      details: { limit: 'maxBodyBytes', max: 1500 },
    })
    expect(sync.getSnapshot().rejected).toEqual([
      { id: bad.id, type: 'added', clientSeq: undefined, error: bad.rejected },
    ])
    expect(server.posts().flatMap((b) => b.events.map((e: any) => e.clientSeq))).toEqual([1, 2])
    expect(store.getState()).toEqual({ a: 3 })
    expect(sync.status).toBe('idle')
  })

  it('sends without limits while the server is unreachable, and reads them once it answers', async () => {
    const server = testServer()
    let down = true
    const fetch = async (r: Request) => {
      if (down) throw new TypeError('Failed to fetch')
      return server.fetch(r)
    }
    const clock = manualClock()
    const { store, sync } = client(fetch, { clock, random: () => 1, retry: { baseMs: 100 } })
    store.dispatch(add('a', 1))
    await vi.waitFor(() => expect(sync.getSnapshot().retry?.attempt).toBe(1))
    down = false
    clock.advance(100)
    await sync.flush()
    expect(store.logs.events[0]!.position).toBe('v1:1')
    expect(limitRequests(server)).toHaveLength(0)
    // Asked again once the server answered.
    store.dispatch(add('a', 2))
    await sync.flush()
    expect(limitRequests(server)).toHaveLength(1)
  })
})

describe('an event whose id this client already stored', () => {
  it('is confirmed at once at the stored position, not rejected', async () => {
    const server = testServer()
    // This tab pulls only its stream, and its events wait for the batch delay (the clock stands).
    const { store, sync } = client(server.fetch, {
      batch: { maxEvents: 10, maxDelayMs: 1000 },
      streams: ['default'],
    })
    await sync.ready
    store.dispatch(add('a', 1))
    const id = store.logs.events[0]!.id
    // Another tab of this client sent it first, under clientSeq 1 (as when two tabs claimed it
    // in a race). It went to a stream this tab does not pull, so only lastSeq tells this tab.
    const first = await server.server.fetch(
      new Request('http://s/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          protocol: 1,
          clientId: sync.clientId,
          events: [
            {
              clientSeq: 1,
              id,
              stream: 'tab-2',
              type: 'added',
              payload: { key: 'a', by: 1 },
              at: 1,
            },
          ],
        }),
      }),
    )
    expect(first.status).toBe(200)
    await sync.pull()
    expect(store.logs.events.map((e) => [e.id, e.position])).toEqual([[id, undefined]])
    const reads = () => server.requests.filter((r) => r.path.startsWith('/events?')).length
    const readsBefore = reads()
    const confirmed: ConfirmedBatch[] = []
    sync.onConfirm((batch) => confirmed.push(batch))
    await sync.flush()
    // Sent under the next clientSeq, and confirmed from the response, not by a pull.
    expect(
      server
        .posts()
        .at(-1)!
        .events.map((e: any) => [e.id, e.clientSeq]),
    ).toEqual([[id, 2]])
    expect(reads()).toBe(readsBefore)
    expect(store.logs.events.map((e) => [e.id, e.position])).toEqual([[id, 'v1:1']])
    expect(store.logs.events[0]!.rejected).toBeUndefined()
    expect(sync.position).toBe('v1:1')
    expect(confirmed).toEqual([
      {
        token: 'v1:1',
        events: [expect.objectContaining({ id, clientSeq: 2, position: 'v1:1' })],
      },
    ])
    expect(sync.getSnapshot()).toMatchObject({ rejected: [], outbox: [], status: 'idle' })
    await sync.pull()
    expect(store.logs.events.map((e) => [e.id, e.position])).toEqual([[id, 'v1:1']])
    expect(store.getState()).toEqual({ a: 1 })
    expect(await server.stored()).toHaveLength(1)
  })

  it("is not confirmed by another client's event with the same id", async () => {
    const server = testServer()
    let release = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const fetch = async (r: Request) => {
      if (r.method === 'POST') await gate
      return server.fetch(r)
    }
    const { store, sync } = client(fetch)
    await sync.pull()
    store.dispatch(add('a', 1))
    const id = store.logs.events[0]!.id
    // Another client stores an event under the same id first: a different event.
    const other = await server.server.fetch(
      new Request('http://s/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          protocol: 1,
          clientId: 'other',
          events: [
            {
              clientSeq: 1,
              id,
              stream: 'default',
              type: 'added',
              payload: { key: 'a', by: 5 },
              at: 1,
            },
          ],
        }),
      }),
    )
    expect(other.status).toBe(200)
    release()
    await sync.flush()
    // Stored as its own event, at its own position (after the other one, which it conflicted
    // with: both write the default stream, so it was decided again once pulled).
    expect(store.logs.events.map((e) => [e.id, e.position])).toEqual([
      [remoteEventId('other', id), 'v1:1'],
      [id, 'v1:2'],
    ])
    await sync.pull()
    expect(store.getState()).toEqual({ a: 6 })
    expect((await server.stored()).map((e) => [e.clientId, e.id])).toEqual([
      ['other', id],
      [sync.clientId, id],
    ])
  })
})
