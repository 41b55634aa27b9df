import { connectSync, type Sync, SyncError, type SyncOptions } from '@strata/state/sync'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { StrataWireError } from '../../src/protocol/index'
import { counterStore, manualClock, testServer } from './helpers'

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

function client(fetch: (r: Request) => Promise<Response>, options: Partial<SyncOptions<any>> = {}) {
  const store = counterStore()
  const clock = manualClock()
  const sync = connectSync(store, {
    fetch,
    batch: { maxEvents: 10, maxDelayMs: 0 },
    persist: false,
    live: 'off',
    clock,
    ...options,
  })
  open.push(sync)
  return { store, sync, clock }
}

const add = (key: string, by: number) => ({ type: 'add' as const, payload: { key, by } })

describe('refusals', () => {
  it('one invalid event in a batch: only it is rejected and marked, the rest apply, no retry', async () => {
    const server = testServer({
      validate: { added: z.object({ key: z.string(), by: z.number().positive() }) },
    })
    const { store, sync, clock } = client(server.fetch)
    store.dispatch(add('a', 1))
    store.dispatch(add('a', -5))
    store.dispatch(add('a', 2))
    await sync.flush()
    const [first, bad, last] = ['a1', 'a-5', 'a2'].map((k) =>
      store.logs.events.find((e) => e.type === 'added' && `${e.payload.key}${e.payload.by}` === k),
    )
    expect(bad!.rejected).toBeInstanceOf(StrataWireError)
    expect(bad!.rejected).toMatchObject({ code: 'invalid', path: ['payload', 'by'] })
    expect([first!.position, last!.position]).toEqual(['v1:1', 'v1:2'])
    // Its effect is undone: 1 + 2, not 1 - 5 + 2.
    expect(store.getState()).toEqual({ a: 3 })
    expect(sync.getSnapshot().rejected).toEqual([
      { id: bad!.id, type: 'added', clientSeq: 2, error: bad!.rejected },
    ])
    clock.advance(60_000)
    await new Promise((r) => setTimeout(r, 20))
    // The last one was decided on top of the refused one (one stream), so the server refused it
    // too; it was decided again without it and sent once more. Nothing was retried as it was.
    const sent = server.posts().map((p) => p.events.map((e: any) => [e.id, e.expectedVersion]))
    expect(sent).toEqual([
      [
        [first!.id, 0],
        [bad!.id, 1],
        [last!.id, 2],
      ],
      [[last!.id, 1]],
    ])
    expect(sync.status).toBe('idle')
  })

  it('an event the server could never accept is rejected locally and gets no clientSeq', async () => {
    const server = testServer()
    const { store, sync } = client(server.fetch)
    store.dispatch(add('a', 1))
    // A `__proto__` key: the server would refuse the whole request, so it never leaves.
    store.dispatch({
      type: 'set',
      payload: JSON.parse('{"key":"b","value":1,"__proto__":{"x":1}}'),
    })
    store.dispatch(add('a', 2))
    await sync.flush()
    const [bad, ...rest] = store.logs.events
    expect(bad!.rejected).toMatchObject({
      code: 'bad_request',
      path: ['events', 0, 'payload', '__proto__'],
    })
    expect(server.posts().flatMap((b) => b.events.map((e: any) => e.clientSeq))).toEqual([1, 2])
    expect(rest.map((e) => e.position)).toEqual(['v1:1', 'v1:2'])
    expect(store.getState()).toEqual({ a: 3 })
  })

  it('a 409 conflict stops sending with a typed error and keeps the events', async () => {
    const server = testServer()
    const first = client(server.fetch, { clientId: 'shared' })
    first.store.dispatch(add('a', 1))
    await first.sync.flush()
    // Another client reusing the clientId without its counter sends different content as seq 1.
    const second = client(server.fetch, { clientId: 'shared' })
    second.store.dispatch(add('b', 7))
    await expect(second.sync.flush()).rejects.toMatchObject({ code: 'conflict', operation: 'send' })
    expect(second.sync.status).toBe('error')
    const error = second.sync.getSnapshot().error!
    expect(error).toBeInstanceOf(SyncError)
    expect(error.message).toMatch(/^\[strata\] Sending events 1–1 .* 409 conflict/)
    expect(error.cause).toBeInstanceOf(StrataWireError)
    expect(second.sync.getSnapshot().outbox).toHaveLength(1)
    expect(await server.stored()).toHaveLength(1)
  })

  it('a sequence gap is surfaced with the expected clientSeq', async () => {
    const body = {
      error: {
        code: 'sequence_gap',
        message: 'clientSeq 1 skips ahead',
        details: { expected: 4, received: 1, lastSeq: 3 },
      },
    }
    const { store, sync } = client(async (r) =>
      r.method === 'POST'
        ? Response.json(body, { status: 409 })
        : Response.json({ protocol: 1, events: [], token: 'v1:0', head: 'v1:0', hasMore: false }),
    )
    store.dispatch(add('a', 1))
    await expect(sync.flush()).rejects.toMatchObject({
      code: 'sequence_gap',
      details: { expected: 4 },
      seqs: { first: 1, last: 1 },
    })
    expect(sync.getSnapshot().outbox.map((e) => e.clientSeq)).toEqual([1])
  })

  it('a batch too large for a server without GET /limits is split and sent in smaller batches', async () => {
    const server = testServer({ limits: { maxEventsPerBatch: 2 } })
    let asked = 0
    // An older server: no /limits endpoint.
    const fetch = async (r: Request) => {
      if (new URL(r.url).pathname === '/limits') {
        asked++
        return Response.json({ error: { code: 'not_found', message: 'no' } }, { status: 404 })
      }
      return server.fetch(r)
    }
    const { store, sync } = client(fetch)
    for (let i = 1; i <= 5; i++) store.dispatch(add('a', i))
    await sync.flush()
    expect(store.getState()).toEqual({ a: 15 })
    expect(await server.stored()).toHaveLength(5)
    expect(sync.getSnapshot().errors[0]!.error.code).toBe('too_large')
    store.dispatch(add('a', 6))
    await sync.flush()
    expect(asked).toBe(1)
  })
})

describe('credentials', () => {
  const authorize = (r: Request) =>
    r.headers.get('authorization') === 'Bearer good' ? { id: 'user' } : null

  it('a 401 asks the app for a fresh credential and retries', async () => {
    const server = testServer({ authorize })
    let token = 'expired'
    const onAuthRequired = vi.fn(async (_error: SyncError) => {
      token = 'good'
    })
    const { store, sync } = client(server.fetch, { getToken: () => token, onAuthRequired })
    store.dispatch(add('a', 1))
    await sync.flush()
    expect(onAuthRequired).toHaveBeenCalled()
    expect(onAuthRequired.mock.calls[0]![0]).toMatchObject({ code: 'unauthorized' })
    expect(await server.stored()).toHaveLength(1)
  })

  it('a pull refused with a 401 is asked again with the fresh credential', async () => {
    const server = testServer({ authorize })
    await server.server.fetch(
      new Request('http://s/events', {
        method: 'POST',
        headers: { authorization: 'Bearer good', 'content-type': 'application/json' },
        body: JSON.stringify({
          protocol: 1,
          clientId: 'other',
          events: [
            {
              id: 'e1',
              clientSeq: 1,
              stream: 'default',
              type: 'added',
              payload: { key: 'a', by: 2 },
              at: 1,
            },
          ],
        }),
      }),
    )
    let token = 'expired'
    const onAuthRequired = vi.fn(async () => {
      token = 'good'
    })
    const { store, sync } = client(server.fetch, { getToken: () => token, onAuthRequired })
    await sync.pull()
    expect(onAuthRequired).toHaveBeenCalledTimes(1)
    expect(store.getState()).toEqual({ a: 2 })
  })

  it('without a fresh credential it stops with status error; resume() retries', async () => {
    const server = testServer({ authorize })
    let token = 'expired'
    const { store, sync } = client(server.fetch, { getToken: () => token })
    store.dispatch(add('a', 1))
    await expect(sync.flush()).rejects.toMatchObject({ code: 'unauthorized' })
    expect(sync.status).toBe('error')
    token = 'good'
    sync.resume()
    await sync.flush()
    expect(await server.stored()).toHaveLength(1)
    expect(sync.status).toBe('idle')
  })
})
