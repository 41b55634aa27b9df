import { createEventServer, type EventServerOptions, type Projection } from '@strata/state/server'
import { afterEach, describe, expect, it } from 'vitest'
import { batch, events, get, postOk } from './helpers'
import type { StorageFactory } from './suite'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export const countProjection = (
  name: string,
  mode: 'inline' | 'async',
  delayMs = 0,
): Projection<{ count: number; last: string | null }> => ({
  name,
  mode,
  initialState: { count: 0, last: null },
  types: ['added'],
  apply: async (state, event) => {
    if (delayMs) await sleep(delayMs)
    return { count: state.count + 1, last: event.id }
  },
})

export function projectionContract(factory: StorageFactory) {
  describe('projections and read-your-writes', () => {
    const cleanup: (() => Promise<void>)[] = []
    const start = async (options: Partial<EventServerOptions> = {}) => {
      const storage = await factory.make()
      const server = createEventServer({ storage, onError: () => {}, ...options })
      cleanup.push(async () => {
        await server.close()
        await storage.close()
      })
      return { server, storage }
    }
    afterEach(async () => {
      for (const fn of cleanup.splice(0)) await fn()
    })

    it('an inline projection is up to date as soon as the append answers', async () => {
      const { server } = await start({ projections: [countProjection('inline', 'inline')] })
      const { token } = await postOk(server, batch('c1', events('c1', 1, 3)))
      const view = await get(server, '/views/inline', { 'X-Min-Position': token })
      expect(view.status).toBe(200)
      expect(view.headers.get('x-position')).toBe('v1:3')
      expect(view.body).toEqual({ count: 3, last: 'c1-3' })
    })

    it('an inline projection added later catches up on earlier events inside the next append', async () => {
      const storage = await factory.make()
      const first = createEventServer({ storage, onError: () => {} })
      await postOk(first, batch('c1', events('c1', 1, 2)))
      await first.close()
      const second = createEventServer({
        storage,
        onError: () => {},
        projections: [countProjection('late', 'inline')],
      })
      const { token } = await postOk(second, batch('c1', events('c1', 3, 1)))
      expect((await get(second, '/views/late', { 'X-Min-Position': token })).body.count).toBe(3)
      await second.close()
      await storage.close()
    })

    it('a read with the write token always sees the write through a slow async projection', async () => {
      const { server } = await start({ projections: [countProjection('slow', 'async', 15)] })
      for (let seq = 1; seq <= 4; seq++) {
        const { token } = await postOk(server, batch('c1', events('c1', seq, 1)))
        const view = await get(server, '/views/slow', { 'X-Min-Position': token })
        expect(view.status).toBe(200)
        expect(view.body).toEqual({ count: seq, last: `c1-${seq}` })
        expect(Number(view.headers.get('x-position')!.slice(3))).toBeGreaterThanOrEqual(seq)
      }
    })

    it('counts events of ignored types as caught up', async () => {
      const { server } = await start({ projections: [countProjection('adds', 'async')] })
      const { token } = await postOk(server, batch('c1', events('c1', 1, 2, { type: 'removed' })))
      const view = await get(server, '/views/adds', { 'X-Min-Position': token })
      expect(view.status).toBe(200)
      expect(view.body.count).toBe(0)
      expect(view.headers.get('x-position')).toBe('v1:2')
    })

    it('answers 503 with Retry-After, never stale data, when a projection cannot catch up', async () => {
      const broken: Projection = {
        name: 'broken',
        initialState: 0,
        apply: () => {
          throw new Error('bug')
        },
      }
      const { server } = await start({ projections: [broken], limits: { viewWaitMs: 50 } })
      const { token } = await postOk(server, batch('c1', events('c1', 1, 1)))
      const view = await get(server, '/views/broken', { 'X-Min-Position': token })
      expect(view.status).toBe(503)
      expect(view.headers.get('retry-after')).toBe('1')
      expect(view.body.error).toMatchObject({
        code: 'unavailable',
        details: { view: 'broken', required: 'v1:1' },
      })
    })

    it('counts a projection that has never run as behind', async () => {
      const never: Projection = {
        name: 'never',
        initialState: 0,
        apply: () => new Promise(() => {}),
      }
      const storage = await factory.make()
      await storage.append(async (tx) => {
        await tx.insertEvents([
          {
            position: 1,
            tenantPosition: 1,
            tenant: '',
            clientId: 'c',
            clientSeq: 1,
            id: 'x',
            stream: 's',
            streamVersion: 1,
            type: 't',
            payload: null,
            at: 0,
            commandId: null,
            fingerprint: 'f',
          },
        ])
      })
      const server = createEventServer({
        storage,
        projections: [never],
        onError: () => {},
        limits: { viewWaitMs: 50 },
      })
      expect((await get(server, '/views/never')).status).toBe(503)
      expect((await get(server, '/views/never', { 'X-Min-Position': 'v1:0' })).status).toBe(503)
      await server.close()
      await storage.close()
    })

    it('answers 404 for an unknown view and 400 for a malformed token', async () => {
      const { server } = await start({ projections: [countProjection('inline', 'inline')] })
      expect((await get(server, '/views/nope')).body.error.code).toBe('not_found')
      expect((await get(server, '/views/__proto__')).status).toBe(404)
      const bad = await get(server, '/views/inline', { 'X-Min-Position': 'v2:1' })
      expect(bad.status).toBe(400)
      expect(bad.body.error).toMatchObject({ code: 'bad_token', path: ['X-Min-Position'] })
    })
  })
}
