import 'fake-indexeddb/auto'
import { createStore } from '@strata/state'
import { connectSync } from '@strata/state/sync'
import { IDBFactory } from 'fake-indexeddb'
import { enableMapSet } from 'immer'
import { describe, expect, it } from 'vitest'
import { seed, testServer } from './history.helpers'

enableMapSet()

interface Tally {
  count: number
  byKey: Map<string, number>
  keys: Set<string>
  last: Date | null
  total: bigint
}

type Added = { type: 'added'; payload: { key: string; by: number } }

const rich = (): Tally => ({ count: 0, byKey: new Map(), keys: new Set(), last: null, total: 0n })
/** The same tally in what JSON keeps: plain objects, arrays, numbers. */
const plain = () => ({ count: 0, byKey: {} as Record<string, number>, total: 0 })

function tally(draft: Tally, { payload }: Added) {
  draft.count++
  draft.byKey.set(payload.key, (draft.byKey.get(payload.key) ?? 0) + payload.by)
  draft.keys.add(payload.key)
  draft.last = new Date(1_700_000_000_000 + draft.count)
  draft.total += BigInt(payload.by)
}

function plainTally(draft: ReturnType<typeof plain>, { payload }: Added) {
  draft.count++
  draft.byKey[payload.key] = (draft.byKey[payload.key] ?? 0) + payload.by
  draft.total += payload.by
}

describe("a fresh device decodes the server's snapshot", () => {
  it.each([
    ['Map, Set, Date and BigInt, restored by the session serializer', rich, tally],
    ['a plain JSON state, as parsed', plain, plainTally],
  ] as const)('%s', async (_, initial, reducer) => {
    const snapshot = { name: 'tally', initialState: initial(), reducer, version: '1' }
    const server = testServer({ snapshots: [snapshot as never] })
    await seed(server, 1200)
    const store = createStore({ initialState: initial(), reducer: reducer as never, version: '1' })
    const sync = connectSync(store, {
      fetch: server.fetch,
      persist: { indexedDB: new IDBFactory(), name: 'tally' },
      live: 'off',
      snapshot: 'tally',
    })
    try {
      await sync.pull()
      expect(sync.getSnapshot().boot).toBe('server-snapshot')
      expect(store.history.start).toBe(1200)
      // As folding every event on this device gives.
      const folded = createStore({ initialState: initial(), reducer: reducer as never })
      const added = { type: 'added', payload: { key: 'a', by: 1 } } as const
      for (let i = 0; i < 1200; i++) folded.dispatch(added as never)
      expect(store.getState()).toEqual(folded.getState())
      if (initial === rich) expect((store.getState() as Tally).byKey).toBeInstanceOf(Map)
    } finally {
      await sync.close()
    }
  })
})
