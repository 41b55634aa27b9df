import { StrataWireError } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { batch, events, failingAppends, get, post, postOk, readAll, wireEvent } from './helpers'
import type { StorageFactory } from './suite'

import { as, authorize, serverStarter } from './suite.server.setup'

export function serverContract(factory: StorageFactory) {
  describe('event server', () => {
    const start = serverStarter(factory)

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

    it('refuses an event decided on top of an own refused one across requests, and stores nothing', async () => {
      const { server } = await start()
      // Another client moves the stream to 1 while this one edits twice on version 0.
      await postOk(server, batch('other', [wireEvent(1, { id: 'x', stream: 'card' })]))
      const first = await postOk(
        server,
        batch('c1', [wireEvent(1, { id: 'a', stream: 'card', expectedVersion: 0 })]),
      )
      expect(first.results[0]!.error?.code).toBe('version_conflict')
      // Its count (1) matches the stream by coincidence; it depends on the refused clientSeq 1.
      const second = await postOk(
        server,
        batch('c1', [wireEvent(2, { id: 'b', stream: 'card', expectedVersion: 1, dependsOn: 1 })]),
      )
      expect(second.results[0]!.error).toMatchObject({
        code: 'version_conflict',
        details: { dependsOn: 1, refused: 1, actual: 1 },
      })
      expect((await readAll(server)).events.map((e: { id: string }) => e.id)).toEqual(['x'])
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
      // Reading it, bob learns nothing: the answer of a client id nobody uses.
      const probe = await get(server, '/events?clientId=shared', as('bob'))
      expect([probe.status, probe.body.lastSeq]).toEqual([200, 0])
      expect((await get(server, '/events?clientId=shared', as('alice'))).body.lastSeq).toBe(1)
      // Another tenant's "shared" is another client: eve's first event is her own seq 1.
      const eve = await postOk(server, batch('shared', events('shared', 1, 1)), as('eve'))
      expect(eve.results).toEqual([{ clientSeq: 1, status: 'applied', position: 'v1:1' }])
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
