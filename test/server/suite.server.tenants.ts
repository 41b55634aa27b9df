import type { Projection } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { batch, events, get, post, postOk } from './helpers'
import type { StorageFactory } from './suite'
import { countProjection } from './suite.projections'
import { as, authorize, serverStarter } from './suite.server.setup'

/** Per-tenant positions, clients and views: what one tenant sees never moves with another's. */
export function serverTenantsContract(factory: StorageFactory) {
  describe('event server: tenants', () => {
    const start = serverStarter(factory)

    it('numbers each tenant from 1: tokens, heads and positions move only with its own events', async () => {
      const { server } = await start({ authorize })
      await postOk(server, batch('a1', events('a1', 1, 2)), as('alice'))
      const eve = await postOk(server, batch('e1', events('e1', 1, 3)), as('eve'))
      expect(eve.token).toBe('v1:3')
      expect(eve.results.map((r) => r.position)).toEqual(['v1:1', 'v1:2', 'v1:3'])
      const bob = await postOk(server, batch('b1', events('b1', 1, 1)), as('bob'))
      expect(bob.results[0]!.position).toBe('v1:3')
      const alice = await get(server, '/events?after=v1:0', as('alice'))
      expect(alice.body.events.map((e: any) => [e.position, e.clientId])).toEqual([
        ['v1:1', 'a1'],
        ['v1:2', 'a1'],
        ['v1:3', 'b1'],
      ])
      expect(alice.body).toMatchObject({ head: 'v1:3', token: 'v1:3' })
      expect((await get(server, '/events?after=v1:3', as('eve'))).body).toMatchObject({
        events: [],
        head: 'v1:3',
        token: 'v1:3',
      })
      // An empty batch is a handshake: its token is the tenant's head.
      expect((await postOk(server, batch('e1', []), as('eve'))).token).toBe('v1:3')
      // A token past the tenant's own head is refused, even where another tenant has one.
      expect((await get(server, '/events?after=v1:4', as('eve'))).body.error.code).toBe('bad_token')
    })

    it('keeps a long poll asleep through other tenants’ writes and wakes it on its own', async () => {
      const { server } = await start({ authorize })
      const poll = get(server, '/events?after=v1:0&wait=250', as('eve'))
      await new Promise((r) => setTimeout(r, 20))
      await postOk(server, batch('a1', events('a1', 1, 2)), as('alice'))
      expect((await poll).body).toMatchObject({ events: [], token: 'v1:0', head: 'v1:0' })
      const woken = get(server, '/events?after=v1:0&wait=30000', as('eve'))
      await new Promise((r) => setTimeout(r, 20))
      await postOk(server, batch('e1', events('e1', 1, 1)), as('eve'))
      expect((await woken).body.events.map((e: any) => e.position)).toEqual(['v1:1'])
    })

    it('creates no client with an empty batch, so nobody claims an id without using it', async () => {
      const { server } = await start({ authorize })
      expect((await postOk(server, batch('later', []), as('alice'))).lastSeq).toBe(0)
      // Bob, of the same tenant, is the first to store under it: it is his.
      await postOk(server, batch('later', events('later', 1, 1)), as('bob'))
      expect((await post(server, batch('later', events('later', 2, 1)), as('alice'))).status).toBe(
        403,
      )
    })

    it('folds a view per tenant by default, at tenant positions', async () => {
      const { server } = await start({
        authorize,
        projections: [countProjection('inline', 'inline'), countProjection('async', 'async')],
      })
      const { token } = await postOk(server, batch('a1', events('a1', 1, 2)), as('alice'))
      const eve = await postOk(server, batch('e1', events('e1', 1, 3)), as('eve'))
      for (const name of ['inline', 'async']) {
        // Bob of acme (alice may not read every stream: a view without read() is not hers).
        const alice = await get(server, `/views/${name}`, {
          ...as('bob'),
          'X-Min-Position': token,
        })
        expect([alice.body.count, alice.headers.get('x-position')]).toEqual([2, 'v1:2'])
        const other = await get(server, `/views/${name}`, {
          ...as('eve'),
          'X-Min-Position': eve.token,
        })
        expect([other.body.count, other.headers.get('x-position')]).toEqual([3, 'v1:3'])
      }
      // A token past the tenant's head: as GET /events says, not a wait for nothing.
      const ahead = await get(server, '/views/async', { ...as('bob'), 'X-Min-Position': 'v1:3' })
      expect([ahead.status, ahead.body.error.code]).toEqual([400, 'bad_token'])
    })

    it('serves a view over all tenants only through its read, after the caller’s own write', async () => {
      const everyone: Projection<Record<string, number>> = {
        name: 'everyone',
        scope: 'all',
        mode: 'async',
        initialState: {},
        apply: (state, event) => ({ ...state, [event.tenant]: (state[event.tenant] ?? 0) + 1 }),
        read: (state, { tenant }) => ({
          mine: state[tenant] ?? 0,
          tenants: Object.keys(state).length,
        }),
      }
      const { read: _, ...rest } = everyone
      const bare: Projection = { ...rest, name: 'bare' }
      const { server } = await start({ authorize, projections: [everyone, bare] })
      await postOk(server, batch('e1', events('e1', 1, 5)), as('eve'))
      const { token } = await postOk(server, batch('a1', events('a1', 1, 2)), as('alice'))
      const view = await get(server, '/views/everyone', { ...as('alice'), 'X-Min-Position': token })
      expect(view.body).toEqual({ mine: 2, tenants: 2 })
      // The header names the caller's own token, never the global position (7).
      expect(view.headers.get('x-position')).toBe('v1:2')
      const refused = await get(server, '/views/bare', as('alice'))
      expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden'])
      const ahead = await get(server, '/views/everyone', {
        ...as('alice'),
        'X-Min-Position': 'v1:3',
      })
      expect(ahead.body.error.code).toBe('bad_token')
    })
  })
}
