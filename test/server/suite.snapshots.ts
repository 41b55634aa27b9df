import type { SnapshotConfig } from '@strata/state/server'
import { sessionSerializer } from '@strata/state/testing'
import { enableMapSet } from 'immer'
import { describe, expect, it } from 'vitest'
import { batch, events, get, postOk } from './helpers'
import type { StorageFactory } from './suite'
import { as, authorize, serverStarter } from './suite.server.setup'

// The app enables immer's Map and Set support where it makes its store; the server shares immer.
enableMapSet()

interface Tally {
  count: number
  byStream: Map<string, number>
  seen: Set<number>
  last: Date | null
  total: bigint
}

const initialState: Tally = {
  count: 0,
  byStream: new Map(),
  seen: new Set(),
  last: null,
  total: 0n,
}

/** An immer reducer whose state JSON alone would lose: Map, Set, Date and BigInt. */
function tally(draft: Tally, event: { type: string; payload: { n: number } }) {
  if (event.type !== 'added') return
  draft.count++
  draft.byStream.set('todos', (draft.byStream.get('todos') ?? 0) + 1)
  draft.seen.add(event.payload.n)
  draft.last = new Date(1_700_000_000_000 + event.payload.n)
  draft.total += BigInt(event.payload.n)
}

const snapshot = (overrides: Partial<SnapshotConfig> = {}): SnapshotConfig => ({
  name: 'board',
  initialState,
  reducer: tally,
  version: 1,
  ...overrides,
})

const decode = (state: unknown) => sessionSerializer.deserialize(state as never) as Tally

export function snapshotContract(factory: StorageFactory) {
  describe('server snapshots', () => {
    const start = serverStarter(factory)

    it("folds the app's reducer per tenant, at the tenant's position, keeping Map, Set, Date and BigInt", async () => {
      const { server } = await start({ authorize, snapshots: [snapshot()] })
      await postOk(server, batch('a1', events('a1', 1, 5)), as('bob'))
      await postOk(server, batch('e1', events('e1', 1, 2)), as('eve'))
      const acme = await get(server, '/snapshots/board', as('bob'))
      expect(acme.status).toBe(200)
      expect(acme.body).toMatchObject({
        protocol: 1,
        name: 'board',
        version: '1',
        position: 'v1:5',
      })
      const state = decode(acme.body.state)
      expect(state).toEqual({
        count: 5,
        byStream: new Map([['todos', 5]]),
        seen: new Set([1, 2, 3, 4, 5]),
        last: new Date(1_700_000_000_005),
        total: 15n,
      })
      const evil = await get(server, '/snapshots/board', as('eve'))
      expect(evil.body.position).toBe('v1:2')
      expect(decode(evil.body.state).count).toBe(2)
    })

    it('is authorized like a read: a credential, and every stream folded readable', async () => {
      const { server } = await start({ authorize, snapshots: [snapshot()] })
      await postOk(server, batch('b1', events('b1', 1, 2, { stream: 'secret-plans' })), as('bob'))
      expect((await get(server, '/snapshots/board')).status).toBe(401)
      expect((await get(server, '/snapshots/board', as('bob'))).status).toBe(200)
      const alice = await get(server, '/snapshots/board', as('alice'))
      expect(alice.status).toBe(403)
      expect(alice.body.error.code).toBe('forbidden')
    })

    it('answers 404 for an unknown name and while none exists (at once for a tenant with no events), 400 for a bad page request', async () => {
      const { server } = await start({
        authorize,
        snapshots: [snapshot()],
        // Longer than the test's timeout: a tenant without events is not waited for.
        limits: { viewWaitMs: 600_000 },
      })
      const unknown = await get(server, '/snapshots/nope', as('bob'))
      expect(unknown.status).toBe(404)
      expect(unknown.body.error.details).toEqual({ snapshot: 'nope', reason: 'unknown' })
      const none = await get(server, '/snapshots/board', as('bob'))
      expect(none.status).toBe(404)
      expect(none.body.error.details.reason).toBe('none-yet')
      expect((await get(server, '/snapshots/board?before=x&events=3', as('bob'))).status).toBe(400)
      expect((await get(server, '/snapshots/board?before=v1:3&events=-1', as('bob'))).status).toBe(
        400,
      )
    })

    it('lists the version of every stream while the list is no larger than the state, else those written last', async () => {
      // One event per stream, 1,500 streams, then the first one written again.
      const post = async (from: number, count: number, stream: (n: number) => string) => {
        const list = events('b1', from, count).map((e, i) => ({ ...e, stream: stream(from + i) }))
        await postOk(server, batch('b1', list), as('bob'))
      }
      const perEvent = (draft: Record<string, number>, event: { payload: { n: number } }) => {
        draft[`card-${event.payload.n}`] = event.payload.n
      }
      const { server } = await start({
        authorize,
        snapshots: [
          snapshot({ name: 'cards', initialState: {}, reducer: perEvent }),
          snapshot({ name: 'small', initialState: {}, reducer: () => {} }),
        ],
      })
      for (let from = 1; from <= 1500; from += 500) await post(from, 500, (n) => `s${n}`)
      await post(1501, 1, () => 's1')
      for (const name of ['cards', 'small']) {
        const at = async () => (await get(server, `/snapshots/${name}`, as('bob'))).body.position
        // A bound on waiting, not a speed claim: a loaded machine folds 1,501 events slowly.
        await expect.poll(at, { timeout: 45_000 }).toBe('v1:1501')
      }
      // A state with an entry per stream: every stream is listed, alice may read them all.
      const cards = await get(server, '/snapshots/cards', as('alice'))
      expect(cards.status).toBe(200)
      expect(Object.keys(cards.body.streams)).toHaveLength(1500)
      expect(cards.body.streams).toMatchObject({ s1: 2, s2: 1, s1500: 1 })
      // A small state: the 1,000 streams written last, and only for those who read every stream.
      const small = await get(server, '/snapshots/small', as('bob'))
      expect(Object.keys(small.body.streams)).toHaveLength(1000)
      expect(small.body.streams).toMatchObject({ s1: 2, s1500: 1, s502: 1 })
      expect(small.body.streams.s501).toBeUndefined()
      expect((await get(server, '/snapshots/small', as('alice'))).status).toBe(403)
    }, 90_000)

    it('keeps a state every keepEvery events, for clients paging back', async () => {
      const { server } = await start({ authorize, snapshots: [snapshot({ keepEvery: 10 })] })
      await postOk(server, batch('b1', events('b1', 1, 35)), as('bob'))
      expect((await get(server, '/snapshots/board', as('bob'))).body.position).toBe('v1:35')
      const page = await get(server, '/snapshots/board?before=v1:35&events=12', as('bob'))
      expect(page.body.position).toBe('v1:20')
      expect(decode(page.body.state).count).toBe(20)
      const first = await get(server, '/snapshots/board?before=v1:35&events=40', as('bob'))
      expect(first.body.position).toBe('v1:0')
      expect(decode(first.body.state)).toEqual(initialState)
    })

    it('folds again from the first event when its version changes, and never serves another version', async () => {
      const storage = await factory.make()
      const { createEventServer } = await import('@strata/state/server')
      const first = createEventServer({
        storage,
        authorize,
        snapshots: [snapshot({ keepEvery: 2 })],
      })
      await postOk(first, batch('b1', events('b1', 1, 4)), as('bob'))
      expect(decode((await get(first, '/snapshots/board', as('bob'))).body.state).count).toBe(4)
      await first.close()
      const doubled = (draft: Tally, event: { type: string; payload: { n: number } }) => {
        tally(draft, event)
        draft.count++
      }
      const second = createEventServer({
        storage,
        authorize,
        snapshots: [snapshot({ version: 'two', reducer: doubled, keepEvery: 2 })],
      })
      const now = await get(second, '/snapshots/board', as('bob'))
      expect(now.body).toMatchObject({ version: 'two', position: 'v1:4' })
      expect(decode(now.body.state).count).toBe(8)
      const kept = await get(second, '/snapshots/board?before=v1:4&events=1', as('bob'))
      expect(kept.body.position).toBe('v1:2')
      expect(decode(kept.body.state).count).toBe(4)
      await second.close()
      await storage.close()
    })

    it('refuses a snapshot config it cannot run', async () => {
      await expect(start({ snapshots: [snapshot({ name: 'a b' })] })).rejects.toThrow(
        /snapshots: expected `name` of letters/,
      )
      await expect(start({ snapshots: [snapshot(), snapshot()] })).rejects.toThrow(/unique/)
      await expect(
        start({ snapshots: [snapshot({ version: undefined as never })] }),
      ).rejects.toThrow(/`version` to be the reducer version/)
      await expect(start({ snapshots: [snapshot({ forget: 'scrub' as never })] })).rejects.toThrow(
        /`forget` to be a function \(draft, \{ subject, tenant, fields \}\)/,
      )
    })
  })
}
