import type { Projection } from '@strata/state/server'
import { isErased } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { boardSnapshot, NAMES, people, personal } from './erasureFixtures'
import { BASE, batch, events, get, postOk } from './helpers'
import type { StorageFactory } from './suite'
import { as, authorize, serverStarter } from './suite.server.setup'

const forget = (server: { fetch(r: Request): Promise<Response> }, subject: string) =>
  server
    .fetch(
      new Request(`${BASE}/subjects/${subject}/forget`, { method: 'POST', headers: as('root') }),
    )
    .then((r) => r.json() as Promise<{ token: string }>)

const card = (clientId: string, seq: number, authorId: 'ada' | 'bob') =>
  events(clientId, seq, 1, {
    type: 'card/added',
    stream: 'cards',
    payload: { authorId, author: NAMES[authorId], title: `card ${seq}` },
  })

/** Card authors, in order; its `apply` waits while `gate.closed` is set (one fold at a time). */
function gatedAuthors() {
  const gate: { closed?: Promise<void> | undefined; reached?: () => void } = {}
  const projection: Projection = {
    name: 'gated',
    mode: 'async',
    initialState: { names: [] as string[] },
    types: ['card/added'],
    apply: async (state: any, event: any) => {
      if (gate.closed) {
        gate.reached?.()
        await gate.closed
      }
      const name = event.payload.author
      return { names: [...state.names, isErased(name) ? '(erased)' : name] }
    },
  }
  return { projection, gate }
}

/** The long parts of a forget run outside the append lock; derived states go back only as far as they must. */
export function erasureRefoldContract(factory: StorageFactory) {
  describe('erasure: folding again', () => {
    const start = serverStarter(factory)

    it("takes the tenant's appends while it folds a projection again, and scrubs what they brought", async () => {
      const { projection, gate } = gatedAuthors()
      const { server } = await start({ authorize, personal, projections: [projection] })
      const { token } = await postOk(server, batch('c1', people('c1')), as('bob'))
      const view = (min: string) =>
        get(server, '/views/gated', { ...as('bob'), 'X-Min-Position': min })
      expect((await view(token)).body.names).toEqual([NAMES.ada, NAMES.bob])
      let open = () => {}
      gate.closed = new Promise((resolve) => {
        open = resolve
      })
      const reached = new Promise<void>((resolve) => {
        gate.reached = resolve
      })
      const forgetting = forget(server, 'ada')
      await reached
      // The forget is folding (held at the gate): an append of the tenant is stored meanwhile,
      // Ada's field in it sealed under the key that is about to go.
      const meanwhile = await postOk(server, batch('c1', card('c1', 4, 'ada')), as('bob'))
      expect(meanwhile.results.map((r) => r.status)).toEqual(['applied'])
      gate.closed = undefined
      open()
      const { token: forgotten } = await forgetting
      expect(forgotten).toBe('v1:5')
      expect((await view(forgotten)).body.names).toEqual(['(erased)', NAMES.bob, '(erased)'])
    })

    it('keeps the snapshot states kept before the subject’s first event, and none after', async () => {
      const snapshot = { ...boardSnapshot, keepEvery: 2 }
      const { server, storage } = await start({ authorize, personal, snapshots: [snapshot] })
      for (let seq = 1; seq <= 4; seq++)
        await postOk(server, batch('c1', card('c1', seq, 'bob')), as('bob'))
      await postOk(
        server,
        batch('c1', [...card('c1', 5, 'ada'), ...card('c1', 6, 'bob')]),
        as('bob'),
      )
      await postOk(server, batch('c1', card('c1', 7, 'bob')), as('bob'))
      expect((await get(server, '/snapshots/board', as('bob'))).body.position).toBe('v1:7')
      const kept = (p: number) => storage.loadCheckpoint(`snapshot:board#${p}`, 'acme')
      const before = await Promise.all([kept(2), kept(4)])
      expect(JSON.stringify(await kept(6))).toContain(NAMES.ada)
      await forget(server, 'ada')
      // Forgotten: no stored state of the snapshot holds the name, those before it are as they were.
      const latest = await storage.loadCheckpoint('snapshot:board', 'acme')
      expect(String(JSON.stringify(latest))).not.toContain(NAMES.ada)
      expect(String(JSON.stringify(await kept(6)))).not.toContain(NAMES.ada)
      expect(await Promise.all([kept(2), kept(4)])).toEqual(before)
      // Served from the state kept at 4 (a client pulls the rest) until the fold is saved again.
      let served = await get(server, '/snapshots/board', as('bob'))
      for (let i = 0; i < 100 && served.body.position !== 'v1:8'; i++) {
        expect(JSON.stringify(served.body.state)).not.toContain(NAMES.ada)
        await new Promise((r) => setTimeout(r, 50))
        served = await get(server, '/snapshots/board', as('bob'))
      }
      expect(served.body.position).toBe('v1:8')
      expect(JSON.stringify(served.body.state)).toContain('(erased)')
      expect(JSON.stringify(served.body.state)).not.toContain(NAMES.ada)
    })

    it('ends while appends of the tenant keep coming (a snapshot fold gives way to it)', async () => {
      const { server } = await start({ authorize, personal, snapshots: [boardSnapshot] })
      await postOk(server, batch('c1', people('c1')), as('bob'))
      let done = false
      const forgetting = forget(server, 'ada').then((answer) => {
        done = true
        return answer
      })
      let seq = 3
      while (!done && seq < 2000)
        await postOk(server, batch('c1', card('c1', ++seq, 'bob')), as('bob'))
      expect(done).toBe(true)
      expect((await forgetting).token).toMatch(/^v1:\d+$/)
    })

    it("records where each subject's fields start in its key row, kept by the tombstone", async () => {
      const { server, storage } = await start({ authorize, personal })
      await postOk(
        server,
        batch('c1', [...card('c1', 1, 'bob'), ...card('c1', 2, 'bob')]),
        as('bob'),
      )
      // Ada's first sealed event is the second of this batch: tenant position 4.
      await postOk(
        server,
        batch('c1', [...card('c1', 3, 'bob'), ...card('c1', 4, 'ada')]),
        as('bob'),
      )
      await postOk(server, batch('c1', card('c1', 5, 'ada')), as('bob'))
      expect(await storage.firstSealed!('acme', 'ada')).toBe(4)
      expect(await storage.firstSealed!('acme', 'bob')).toBe(1)
      expect(await storage.firstSealed!('acme', 'nobody')).toBeUndefined()
      expect(await storage.firstSealed!('other', 'ada')).toBeUndefined()
      await forget(server, 'ada')
      expect(await storage.firstSealed!('acme', 'ada')).toBe(4)
    })

    it('folds nothing again for a subject that never had a sealed field', async () => {
      const { projection, gate } = gatedAuthors()
      const { server } = await start({ authorize, personal, projections: [projection] })
      const { token } = await postOk(server, batch('c1', card('c1', 1, 'bob')), as('bob'))
      expect(
        (await get(server, '/views/gated', { ...as('bob'), 'X-Min-Position': token })).body,
      ).toEqual({ names: [NAMES.bob] })
      // A fold would wait at the gate for ever: a forget of nobody does not fold.
      gate.closed = new Promise(() => {})
      expect((await forget(server, 'nobody')).token).toBe('v1:2')
    })
  })
}
