import { connectSync, type Sync } from '@strata/state/sync'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { counterStore, manualClock, testServer } from './helpers'
import { seed } from './history.helpers'

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

describe('flush before the first pull has caught up', () => {
  it.each(['before ready', 'after ready'])('sends at once, dispatched %s', async (when) => {
    const server = testServer()
    await seed(server, 3)
    const store = counterStore()
    const clock = manualClock()
    const sync = connectSync(store, {
      fetch: server.fetch,
      batch: { maxEvents: 50, maxDelayMs: 60_000 },
      persist: false,
      live: 'off',
      clock,
    })
    open.push(sync)
    if (when === 'after ready') await sync.ready
    // Decided on the empty state: claimed at once by the flush, refused as stale (a = 3 on the
    // server), decided again once the pull has caught up, and that draft must go out at once too.
    store.dispatch({ type: 'increment', payload: 'a' })
    let flushed = false
    void sync.flush().then(() => (flushed = true))
    // The manual clock never moves, so the 60 s batch timer never fires: only a send at once
    // lets the flush resolve.
    await vi.waitFor(() => expect(flushed).toBe(true))
    const own = (await server.stored()).filter((e) => e.clientId === sync.clientId)
    expect(own.map((e) => e.payload)).toEqual([{ key: 'a', value: 4 }])
    expect(store.getState()).toEqual({ a: 4 })
  })
})
