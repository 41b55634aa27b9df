import { describe, expect, it } from 'vitest'
import { BASE, batch, events, get, post, postOk, readAll, wireEvent } from './helpers'
import type { StorageFactory } from './suite'

import { as, authorize, serverStarter } from './suite.server.setup'

/** Event ids per client, and the limits on what one request may carry. */
export function serverIdsAndLimitsContract(factory: StorageFactory) {
  describe('event server: ids and limits', () => {
    const start = serverStarter(factory)

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
  })
}
