import 'fake-indexeddb/auto'
import { createStore } from '@strata/state'
import { connectSync } from '@strata/state/sync'
import { IDBFactory } from 'fake-indexeddb'
import { enableMapSet } from 'immer'
import { describe, expect, it, vi } from 'vitest'
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

describe("a fresh device asks for the tail while the server's snapshot arrives", () => {
  it('sends the request after the position in the headers before the body is read', async () => {
    const snapshot = { name: 'tally', initialState: plain(), reducer: plainTally, version: '1' }
    const server = testServer({ snapshots: [snapshot as never] })
    await seed(server, 1200)
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    const tails: string[] = []
    let header: string | null = null
    let body = ''
    const fetch = async (request: Request) => {
      const url = new URL(request.url)
      if (url.pathname.endsWith('/events')) tails.push(url.searchParams.get('after') ?? '')
      const response = await server.fetch(request)
      if (!url.pathname.endsWith('/snapshots/tally')) return response
      header = response.headers.get('x-position')
      body = await response.text()
      // The body comes only once released: a client that waits for it sends no tail meanwhile.
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          await held
          controller.enqueue(new TextEncoder().encode(body))
          controller.close()
        },
      })
      return new Response(stream, { status: response.status, headers: response.headers })
    }
    const store = createStore({ initialState: plain(), reducer: plainTally as never, version: '1' })
    const sync = connectSync(store, {
      fetch,
      persist: { indexedDB: new IDBFactory(), name: 'tally' },
      live: 'off',
      snapshot: 'tally',
    })
    // Asked while opening: answered by the first request.
    const pulled = sync.pull()
    try {
      await vi.waitFor(() => expect(tails).toHaveLength(1))
      expect(header).toBe(JSON.parse(body).position)
      expect(tails).toEqual([header])
      release()
      await pulled
      expect(sync.getSnapshot().boot).toBe('server-snapshot')
      expect(store.history.start).toBe(1200)
      expect(store.getState()).toEqual({ count: 1200, byKey: { a: 1200 }, total: 1200 })
      // The early request served the boot: the tail was asked once.
      expect(tails).toEqual([header])
    } finally {
      release()
      await sync.close()
    }
  })
})
