import 'fake-indexeddb/auto'
import { createInspectHost } from '@strata/state/inspect'
import { describe, expect, it, vi } from 'vitest'
import { browser, seed, testServer } from '../sync/history.helpers'

// The panel's Skip on a row of earlier history it paged in: the same `toggle` request as for
// any row (EventDetails), and every state after it, the window's old base included, is folded
// again. Event i adds 1 to `a`, so skipping event k leaves a = i - 1 for every i past k.

describe('skipping a row that was paged in', () => {
  it('folds every later state again, down from the row', async () => {
    const server = testServer()
    await seed(server, 3500)
    const tab = browser(server)({ history: { window: 1000 } })
    await tab.sync.pull()
    tab.clock.advance(2000)
    await vi.waitFor(() => expect(tab.store.history.start).toBe(2000))
    const { store } = tab
    const host = createInspectHost(store, { sync: tab.sync })
    try {
      host.handle({ type: 'loadEarlier', count: 1000 })
      await vi.waitFor(() => expect(host.handle({ type: 'meta' }).loadingEarlier).toBe(false))
      expect(store.history.start).toBe(1000)
      const [row] = host.handle({ type: 'events', start: 1200, end: 1201 })
      expect(row!.index).toBe(1200)
      const { skipped, meta } = host.handle({ type: 'toggle', eventId: row!.id })
      expect(skipped).toBe(true)
      expect(meta.start).toBe(1000)
      expect(host.handle({ type: 'events', start: 1200, end: 1201 })[0]!.skipped).toBe(true)
      for (let i = 1000; i <= 3500; i++) {
        expect(store.logs.states.at(i)).toEqual({ a: i > 1200 ? i - 1 : i })
      }
      expect(store.getState()).toEqual({ a: 3499 })
      expect(host.handle({ type: 'toggle', eventId: row!.id }).skipped).toBe(false)
      for (let i = 1000; i <= 3500; i++) expect(store.logs.states.at(i)).toEqual({ a: i })
    } finally {
      host.close()
    }
  })
})
