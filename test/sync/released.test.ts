import { connectSync, type Sync } from '@strata/state/sync'
import { afterEach, describe, expect, it } from 'vitest'
import { counterStore, manualClock, testServer } from './helpers'
import { seed } from './history.helpers'

// Requests to a real server (memory storage), counted; the batch delay is a minute on a manual
// clock that never moves, so only a claim at once sends anything.

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

const posts = (server: ReturnType<typeof testServer>) =>
  server.requests.filter((r) => r.method === 'POST')

describe('flush right after connecting, before the first pull', () => {
  it('sends once, decided on the server state (no refused round trip)', async () => {
    const server = testServer()
    await seed(server, 3)
    const store = counterStore()
    const sync = connectSync(store, {
      fetch: server.fetch,
      batch: { maxEvents: 50, maxDelayMs: 60_000 },
      persist: false,
      live: 'off',
      clock: manualClock(),
    })
    open.push(sync)
    store.dispatch({ type: 'increment', payload: 'a' })
    await sync.flush()
    expect(store.getState()).toEqual({ a: 4 })
    expect(posts(server)).toHaveLength(1)
    expect(posts(server)[0]!.body.events.map((e: { payload: unknown }) => e.payload)).toEqual([
      { key: 'a', value: 4 },
    ])
  })
})
