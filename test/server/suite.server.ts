import {
  createEventServer,
  type EventServerOptions,
  type Principal,
  type Storage,
  StrataWireError,
} from '@strata/state/server'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  BASE,
  batch,
  events,
  failingAppends,
  get,
  post,
  postOk,
  readAll,
  wireEvent,
} from './helpers'
import type { StorageFactory } from './suite'

const users: Record<string, Principal> = {
  alice: {
    id: 'alice',
    tenant: 'acme',
    canWrite: (s) => !s.startsWith('admin'),
    canRead: (s) => !s.startsWith('secret'),
  },
  bob: { id: 'bob', tenant: 'acme' },
  eve: { id: 'eve', tenant: 'evil' },
}
const authorize = (request: Request) =>
  users[request.headers.get('authorization')?.replace('Bearer ', '') ?? ''] ?? null
const as = (user: string) => ({ authorization: `Bearer ${user}` })

export function serverContract(factory: StorageFactory) {
  describe('event server', () => {
    const cleanup: (() => Promise<void>)[] = []
    const start = async (
      options: Partial<EventServerOptions> = {},
      wrap?: (s: Storage) => Storage,
    ) => {
      const storage = await factory.make()
      const server = createEventServer({
        storage: wrap ? wrap(storage) : storage,
        onError: () => {},
        ...options,
      })
      cleanup.push(async () => {
        await server.close()
        await storage.close()
      })
      return { server, storage }
    }
    afterEach(async () => {
      for (const fn of cleanup.splice(0)) await fn()
    })

    it('applies a batch at dense positions and serves it back in order', async () => {
      const { server } = await start()
      const response = await postOk(server, batch('c1', events('c1', 1, 3)))
      expect(response).toEqual({
        protocol: 1,
        token: 'v1:3',
        lastSeq: 3,
        results: [1, 2, 3].map((n) => ({ clientSeq: n, status: 'applied', position: `v1:${n}` })),
      })
      const read = await get(server, '/events?after=v1:1&clientId=c1')
      expect(read.body.events.map((e: any) => [e.position, e.id, e.streamVersion])).toEqual([
        ['v1:2', 'c1-2', 2],
        ['v1:3', 'c1-3', 3],
      ])
      expect(read.body).toMatchObject({ token: 'v1:3', head: 'v1:3', hasMore: false, lastSeq: 3 })
    })

    it('answers a retry after a lost response with the original positions, storing nothing twice', async () => {
      const { server } = await start()
      const body = batch('c1', events('c1', 1, 2))
      const first = await postOk(server, body)
      await postOk(server, batch('c2', events('c2', 1, 1)))
      const retry = await postOk(server, body)
      expect(retry.results).toEqual([
        { clientSeq: 1, status: 'duplicate', position: 'v1:1' },
        { clientSeq: 2, status: 'duplicate', position: 'v1:2' },
      ])
      expect(retry.token).toBe(first.token)
      expect((await readAll(server)).events).toHaveLength(3)
    })

    it('applies the new tail of a partly resent batch', async () => {
      const { server } = await start()
      await postOk(server, batch('c1', events('c1', 1, 2)))
      const response = await postOk(server, batch('c1', events('c1', 2, 2)))
      expect(response.results.map((r) => r.status)).toEqual(['duplicate', 'applied'])
      expect(response.lastSeq).toBe(3)
      expect((await readAll(server)).events.map((e) => e.clientSeq)).toEqual([1, 2, 3])
    })

    it('refuses the same seq with different content (409) and keeps the original', async () => {
      const { server } = await start()
      await postOk(server, batch('c1', events('c1', 1, 2)))
      const changed = events('c1', 1, 2)
      changed[1]!.payload = { n: 'changed' }
      const response = await post(server, batch('c1', changed))
      expect(response.status).toBe(409)
      expect(response.body.error).toMatchObject({
        code: 'conflict',
        path: ['events', 1],
        details: { clientSeq: 2 },
      })
      expect((await readAll(server)).events.map((e) => e.payload)).toEqual([{ n: 1 }, { n: 2 }])
    })

    it('refuses a sequence that skips ahead, naming the expected seq, and stores nothing', async () => {
      const { server } = await start()
      await postOk(server, batch('c1', events('c1', 1, 1)))
      const response = await post(server, batch('c1', events('c1', 3, 2)))
      expect(response.status).toBe(409)
      expect(response.body.error).toMatchObject({
        code: 'sequence_gap',
        details: { expected: 2, received: 3 },
      })
      expect(response.body.error.message).toContain('next must be 2')
      expect((await readAll(server)).events).toHaveLength(1)
      expect(
        (await post(server, batch('c2', events('c2', 2, 1)))).body.error.details.expected,
      ).toBe(1)
    })

    it('rejects only the event whose expectedVersion conflicts, advances lastSeq, and answers its retry the same', async () => {
      const { server } = await start()
      const list = [
        wireEvent(1, { id: 'a', stream: 'cart', expectedVersion: 0 }),
        wireEvent(2, { id: 'b', stream: 'cart', expectedVersion: 0 }),
        wireEvent(3, { id: 'c', stream: 'cart', expectedVersion: 1 }),
      ]
      const response = await postOk(server, batch('c1', list))
      expect(response.results.map((r) => r.status)).toEqual(['applied', 'rejected', 'applied'])
      expect(response.results[1]!.error).toMatchObject({
        code: 'version_conflict',
        path: ['expectedVersion'],
        details: { stream: 'cart', expected: 0, actual: 1 },
      })
      expect(response.lastSeq).toBe(3)
      const retry = await postOk(server, batch('c1', list))
      expect(retry.results.map((r) => r.status)).toEqual(['duplicate', 'rejected', 'duplicate'])
      expect(retry.results[1]!.error).toEqual(response.results[1]!.error)
      expect((await postOk(server, batch('c1', events('c1', 4, 1)))).results[0]!.status).toBe(
        'applied',
      )
    })

    it('rejects events that fail the Standard Schema, with the failing path; the rest apply', async () => {
      const { server } = await start({ validate: { added: z.object({ n: z.number() }) } })
      const list = [
        wireEvent(1),
        wireEvent(2, { payload: { n: 'two' } }),
        wireEvent(3, { type: 'other', payload: 'free' }),
      ]
      const response = await postOk(server, batch('c1', list))
      expect(response.results.map((r) => r.status)).toEqual(['applied', 'rejected', 'applied'])
      expect(response.results[1]!.error).toMatchObject({ code: 'invalid', path: ['payload', 'n'] })
      expect(response.lastSeq).toBe(3)
    })

    it('keeps event ids per client: another client reusing an id stores its own event and learns nothing of the first', async () => {
      const { server } = await start({ authorize })
      // bob's event is in a stream alice may not read; its id is what alice reuses.
      const first = await postOk(
        server,
        batch('b1', [wireEvent(1, { id: 'same', stream: 'secret' }), wireEvent(2)]),
        as('bob'),
      )
      expect(first.results.map((r) => r.position)).toEqual(['v1:1', 'v1:2'])
      const body = batch('a1', [wireEvent(1, { id: 'same' }), wireEvent(2)])
      const response = await postOk(server, body, as('alice'))
      expect(response).toEqual({
        protocol: 1,
        token: 'v1:4',
        lastSeq: 2,
        results: [
          { clientSeq: 1, status: 'applied', position: 'v1:3' },
          { clientSeq: 2, status: 'applied', position: 'v1:4' },
        ],
      })
      // Nothing in the answer names where bob's event is.
      expect(JSON.stringify(response)).not.toContain('"v1:1"')
      const retry = await postOk(server, body, as('alice'))
      expect(retry.results).toEqual([
        { clientSeq: 1, status: 'duplicate', position: 'v1:3' },
        { clientSeq: 2, status: 'duplicate', position: 'v1:4' },
      ])
      expect(JSON.stringify(retry)).not.toContain('"v1:1"')
      // Both are stored, each under its client, once; alice reads only hers.
      const all = (await readAll(server, as('bob'))).events
      expect(all.filter((e) => e.id === 'same').map((e) => [e.clientId, e.position])).toEqual([
        ['b1', 'v1:1'],
        ['a1', 'v1:3'],
      ])
      expect(all).toHaveLength(4)
      const hers = (await readAll(server, as('alice'))).events
      expect(hers.filter((e) => e.id === 'same').map((e) => e.clientId)).toEqual(['a1'])
    })

    it('rejects an id the same client already stored under another seq, saying where its own event is', async () => {
      const { server } = await start()
      await postOk(server, batch('c1', [wireEvent(1, { id: 'same' }), wireEvent(2)]))
      await postOk(server, batch('c2', [wireEvent(1, { id: 'same' })]))
      const body = batch('c1', [wireEvent(3, { id: 'same' }), wireEvent(4)])
      const response = await postOk(server, body)
      expect(response.results).toEqual([
        {
          clientSeq: 3,
          status: 'rejected',
          position: 'v1:1',
          error: {
            code: 'duplicate_id',
            message: expect.stringContaining('"same"'),
            path: ['id'],
            details: { id: 'same', position: 'v1:1' },
          },
        },
        { clientSeq: 4, status: 'applied', position: 'v1:4' },
      ])
      expect(response.lastSeq).toBe(4)
      // A retry is answered the same, from what was kept.
      const retry = await postOk(server, body)
      expect(retry.results).toEqual([
        response.results[0],
        { clientSeq: 4, status: 'duplicate', position: 'v1:4' },
      ])
      // Alone in a request, its token is where its own event is, so a read with it includes it.
      await postOk(server, batch('c2', events('c2', 2, 2)))
      const alone = await postOk(server, batch('c1', [wireEvent(5, { id: 'same' })]))
      expect(alone.results[0]).toMatchObject({ status: 'rejected', position: 'v1:1' })
      expect(alone.token).toBe('v1:1')
      expect(alone.lastSeq).toBe(5)
      // Stored once for c1 and once for c2, never twice for one client.
      expect(
        (await readAll(server)).events.filter((e) => e.id === 'same').map((e) => e.clientId),
      ).toEqual(['c1', 'c2'])
    })

    it('answers a stored id as duplicate_id even when its expectedVersion also conflicts', async () => {
      const { server } = await start()
      await postOk(server, batch('c1', [wireEvent(1, { id: 'same', stream: 'cart' })]))
      const response = await postOk(
        server,
        batch('c1', [
          wireEvent(2, { id: 'same', stream: 'cart', expectedVersion: 0 }),
          wireEvent(3, { id: 'other', stream: 'cart', expectedVersion: 0 }),
          wireEvent(4, { id: 'same-again', stream: 'cart', expectedVersion: 1 }),
        ]),
      )
      expect(response.results.map((r) => [r.status, r.error?.code])).toEqual([
        ['rejected', 'duplicate_id'],
        ['rejected', 'version_conflict'],
        ['applied', undefined],
      ])
      expect(response.results[0]!.position).toBe('v1:1')
      expect(response.lastSeq).toBe(4)
      // Nothing of the request is stored twice, and the applied one follows the first event.
      const stored = (await readAll(server)).events
      expect(stored.map((e) => [e.id, e.position])).toEqual([
        ['same', 'v1:1'],
        ['same-again', 'v1:2'],
      ])
    })

    it('stores nothing of a batch whose later event repeats a stored id, and applies the rest once', async () => {
      const { server } = await start()
      await postOk(server, batch('c1', [wireEvent(1, { id: 'first' })]))
      const response = await postOk(
        server,
        batch('c1', [wireEvent(2), wireEvent(3), wireEvent(4, { id: 'first' }), wireEvent(5)]),
      )
      expect(response.results.map((r) => r.status)).toEqual([
        'applied',
        'applied',
        'rejected',
        'applied',
      ])
      expect(response.results.map((r) => r.position)).toEqual(['v1:2', 'v1:3', 'v1:1', 'v1:4'])
      const stored = (await readAll(server)).events
      expect(stored.map((e) => e.position)).toEqual(['v1:1', 'v1:2', 'v1:3', 'v1:4'])
      expect(stored.filter((e) => e.id === 'first')).toHaveLength(1)
    })

    it('rejects an event over maxEventBytes alone, advancing lastSeq; the rest apply', async () => {
      const { server } = await start({ limits: { maxEventBytes: 512 } })
      const fat = (seq: number) => wireEvent(seq, { payload: { text: 'y'.repeat(600) } })
      const list = [wireEvent(1), fat(2), wireEvent(3)]
      const response = await postOk(server, batch('c1', list))
      expect(response.results.map((r) => r.status)).toEqual(['applied', 'rejected', 'applied'])
      expect(response.results[1]).toEqual({
        clientSeq: 2,
        status: 'rejected',
        error: {
          code: 'too_large',
          message: expect.stringContaining('maxEventBytes'),
          path: [],
          details: { limit: 'maxEventBytes', max: 512, received: expect.any(Number) },
        },
      })
      expect(response.results[1]!.error!.details!.received).toBeGreaterThan(600)
      expect(response.lastSeq).toBe(3)
      const retry = await postOk(server, batch('c1', list))
      expect(retry.results.map((r) => r.status)).toEqual(['duplicate', 'rejected', 'duplicate'])
      expect(retry.results[1]!.error).toEqual(response.results[1]!.error)
      // Alone in a request: rejected, not a 413, so the client can send the next seq.
      const alone = await postOk(server, batch('c2', [fat(1)]))
      expect(alone).toMatchObject({ lastSeq: 1, results: [{ status: 'rejected' }] })
      expect(alone.results[0]!.error!.code).toBe('too_large')
      expect((await postOk(server, batch('c2', [wireEvent(2)]))).results[0]!.status).toBe('applied')
      expect((await readAll(server)).events.map((e) => [e.clientId, e.clientSeq])).toEqual([
        ['c1', 1],
        ['c1', 3],
        ['c2', 2],
      ])
    })

    it('refuses a request over maxBodyBytes or maxEventsPerBatch whole with 413', async () => {
      const { server } = await start({ limits: { maxBodyBytes: 4096, maxEventsPerBatch: 3 } })
      const body = await post(
        server,
        batch('c1', [wireEvent(1, { payload: { text: 'z'.repeat(5000) } })]),
      )
      expect(body.status).toBe(413)
      expect(body.body.error).toMatchObject({
        code: 'too_large',
        details: { limit: 'maxBodyBytes', max: 4096 },
      })
      const many = await post(server, batch('c1', events('c1', 1, 4)))
      expect(many.status).toBe(413)
      expect(many.body.error).toMatchObject({
        path: ['events'],
        details: { limit: 'maxEventsPerBatch', max: 3, received: 4 },
      })
      expect((await get(server, '/events?clientId=c1')).body).toMatchObject({
        events: [],
        lastSeq: 0,
      })
    })

    it('tells clients its limits on GET /limits', async () => {
      const { server } = await start({
        authorize,
        limits: { maxBodyBytes: 4096, maxEventsPerBatch: 3, maxEventBytes: 512 },
      })
      expect((await get(server, '/limits')).status).toBe(401)
      const response = await get(server, '/limits', as('bob'))
      expect(response.status).toBe(200)
      expect(response.body).toEqual({
        protocol: 1,
        maxBodyBytes: 4096,
        maxEventsPerBatch: 3,
        maxEventBytes: 512,
      })
      const wrong = await server.fetch(new Request(`${BASE}/limits`, { method: 'POST' }))
      expect(wrong.status).toBe(405)
    })

    it('stores a batch sent by two tabs at once exactly once', async () => {
      const { server } = await start()
      const body = batch('c1', events('c1', 1, 20))
      const [a, b] = await Promise.all([postOk(server, body), postOk(server, body)])
      expect([a.results[0]!.status, b.results[0]!.status].sort()).toEqual(['applied', 'duplicate'])
      expect(a.results.map((r) => r.position)).toEqual(b.results.map((r) => r.position))
      expect((await readAll(server)).events).toHaveLength(20)
    })

    it('answers a storage failure with 503 and Retry-After, storing nothing; the retry lands once', async () => {
      let fail = true
      const { server } = await start({}, (s) => failingAppends(s, () => fail))
      const body = batch('c1', events('c1', 1, 3))
      const response = await post(server, body)
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe('1')
      expect(response.body.error.code).toBe('unavailable')
      expect((await readAll(server)).events).toHaveLength(0)
      fail = false
      expect((await postOk(server, body)).results.map((r) => r.status)).toEqual([
        'applied',
        'applied',
        'applied',
      ])
      expect((await postOk(server, body)).results.map((r) => r.status)).toEqual([
        'duplicate',
        'duplicate',
        'duplicate',
      ])
      expect((await readAll(server)).events).toHaveLength(3)
    })

    it('sends the Retry-After a refusal names, in whole seconds', async () => {
      const { server } = await start({
        authorize: () => {
          throw new StrataWireError('unavailable', 'The sign-in service is restarting', {
            retryAfterMs: 2500,
          })
        },
      })
      const response = await post(server, batch('c1', events('c1', 1, 1)))
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe('3')
    })

    it('authorizes: 401 without a credential, streams per principal, tenants apart', async () => {
      const { server } = await start({ authorize })
      expect((await post(server, batch('c1', events('c1', 1, 1)))).status).toBe(401)
      expect((await get(server, '/events')).status).toBe(401)
      const response = await postOk(
        server,
        batch('a1', [
          wireEvent(1),
          wireEvent(2, { stream: 'admin' }),
          wireEvent(3, { stream: 'secret' }),
        ]),
        as('alice'),
      )
      expect(response.results.map((r) => r.error?.code ?? r.status)).toEqual([
        'applied',
        'forbidden',
        'applied',
      ])
      await postOk(server, batch('e1', events('e1', 1, 2)), as('eve'))
      const alice = await readAll(server, as('alice'))
      expect(alice.events.map((e) => e.stream)).toEqual(['todos'])
      expect((await readAll(server, as('bob'))).events.map((e) => e.stream)).toEqual([
        'todos',
        'secret',
      ])
      expect((await readAll(server, as('eve'))).events.map((e) => e.clientId)).toEqual(['e1', 'e1'])
      expect((await get(server, '/events?stream=secret', as('alice'))).status).toBe(403)
    })

    it('binds a clientId to the first principal that used it', async () => {
      const { server } = await start({ authorize })
      await postOk(server, batch('shared', events('shared', 1, 1)), as('alice'))
      const stolen = await post(server, batch('shared', events('shared', 2, 1)), as('bob'))
      expect(stolen.status).toBe(403)
      expect(stolen.body.error).toMatchObject({ code: 'forbidden', path: ['clientId'] })
      expect((await get(server, '/events?clientId=shared', as('bob'))).status).toBe(403)
      expect((await get(server, '/events?clientId=shared', as('alice'))).body.lastSeq).toBe(1)
      expect((await readAll(server, as('alice'))).events).toHaveLength(1)
    })

    it('long polls until an append, and answers empty when the wait ends', async () => {
      const { server } = await start()
      expect((await get(server, '/events?after=v1:0&wait=20')).body).toMatchObject({
        events: [],
        token: 'v1:0',
      })
      const poll = get(server, '/events?after=v1:0&wait=30000')
      await new Promise((r) => setTimeout(r, 20))
      await postOk(server, batch('c1', events('c1', 1, 2)))
      const { body } = await poll
      expect(body.events.map((e: any) => e.position)).toEqual(['v1:1', 'v1:2'])
    })

    it('pages with limit and reports hasMore', async () => {
      const { server } = await start()
      await postOk(server, batch('c1', events('c1', 1, 5)))
      const first = await get(server, '/events?limit=2')
      expect(first.body).toMatchObject({ token: 'v1:2', hasMore: true, head: 'v1:5' })
      expect((await readAll(server)).events.map((e) => e.clientSeq)).toEqual([1, 2, 3, 4, 5])
    })
  })
}
