import { createStore } from '@strata/state'
import { syncQueryFn } from '@strata/state/query'
import { createEventServer, sqliteStorage } from '@strata/state/server'
import { connectSync } from '@strata/state/sync'
import { expect, it } from 'vitest'
import { cardsProjection } from '../server/suite.tables'

it('syncQueryFn passes a view’s parameters, and reads include this client’s own writes', async () => {
  const storage = sqliteStorage(':memory:')
  const server = createEventServer({ storage, projections: [cardsProjection()], onError: () => {} })
  const seen: string[] = []
  const store = createStore({
    initialState: { n: 0 },
    reducer: (state: { n: number }, event: { type: string; payload: { n: number } }) => {
      state.n = event.payload.n
    },
  })
  const sync = connectSync(store, {
    fetch: async (request: Request) => {
      seen.push(new URL(request.url).search)
      return server.fetch(request)
    },
    batch: { maxEvents: 10, maxDelayMs: 0 },
    persist: false,
    live: 'off',
  })
  for (const n of [1, 2, 3]) store.dispatch({ type: 'added', payload: { n } })
  await sync.flush()
  const read = syncQueryFn<{ n: number }[]>(sync, 'views/cards?x=1', {
    params: { min: 2, no: undefined },
  })
  const rows = await read({
    queryKey: ['cards', { min: 2 }],
    signal: new AbortController().signal,
  } as any)
  expect(rows.map((r) => r.n)).toEqual([2, 3])
  expect(seen.at(-1)).toBe('?x=1&min=2')
  await sync.close()
  await server.close()
  await storage.close()
})
