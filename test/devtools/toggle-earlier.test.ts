import 'fake-indexeddb/auto'
import { createStore } from '@strata/state'
import { inspect, RemoteInspectError } from '@strata/state/inspect'
import { replicaOf } from '@strata/state/sync'
import { describe, expect, it, vi } from 'vitest'
import { type Counters, counterReducer } from '../sync/helpers'
import { browser, seed, testServer } from '../sync/history.helpers'

// The panel's toggle request on an event before the window (not in memory): the host pages
// earlier history in (history.toggleEarlier), then skips it, and answers once it is done.

const N = 3500

/** The N seeded events in memory, in a store without sync, `skipped` skipped: the full fold. */
function fullFold(skipped: string[] = []) {
  const store = createStore({ initialState: {} as Counters, reducer: counterReducer })
  replicaOf(store).pull(
    Array.from({ length: N }, (_, i) => ({
      id: `seeder/seeder-${i + 1}`,
      event: { type: 'added', payload: { key: 'a', by: 1 } },
      at: 1,
      position: `p${i}`,
    })),
  )
  for (const id of skipped) store.history.toggle(id)
  return store
}

async function windowed() {
  const server = testServer()
  await seed(server, N)
  const tab = browser(server)({ history: { window: 1000 } })
  await tab.sync.pull()
  tab.clock.advance(2000)
  await vi.waitFor(() => expect(tab.store.history.start).toBe(2000))
  const inspection = inspect(tab.store, { sync: tab.sync })
  return { ...tab, ...inspection }
}

describe("the panel's toggle of an event before the window", () => {
  it('skips it, and every state is the full fold with it skipped, paged in or not', async () => {
    const { store, client, close } = await windowed()
    try {
      // Event 2000 is the window's first: its id says how the ones before it are named.
      expect(store.logs.events[0]!.id).toBe('seeder/seeder-2001')
      const id = 'seeder/seeder-501'
      expect(store.logs.events.some((e) => e.id === id)).toBe(false)

      const { skipped, meta } = await client.request({ type: 'toggle', eventId: id })
      expect(skipped).toBe(true)
      // Not paged in: the window's states are folded again without it, the event kept aside.
      expect(meta.start).toBe(2000)
      const reference = fullFold([id])
      expect(store.getState()).toEqual(reference.getState())
      // Paged in (as the panel does when scrolled there), it shows skipped.
      await store.history.loadEarlier(1500)
      expect(store.history.start).toBeLessThanOrEqual(500)
      expect(store.history.length).toBe(N)
      for (let i = store.history.start; i <= N; i++) {
        expect(store.logs.states.at(i), `state ${i}`).toEqual(reference.logs.states.at(i))
      }
      expect(store.getState()).toEqual({ a: N - 1 })
      const [row] = await client.request({ type: 'events', start: 500, end: 501 })
      expect(row).toMatchObject({ id, skipped: true })

      // In memory now: toggled back at once, the full fold without skips.
      expect((await client.request({ type: 'toggle', eventId: id })).skipped).toBe(false)
      expect(store.getState()).toEqual(fullFold().getState())
    } finally {
      close()
    }
  })

  it('answers a clear error for an id in no event, once the whole history was looked at', async () => {
    const { store, client, close } = await windowed()
    try {
      const before = store.getState()
      const error = await client.request({ type: 'toggle', eventId: 'nope' }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(RemoteInspectError)
      expect((error as RemoteInspectError).code).toBe('bad-request')
      expect((error as Error).message).toBe(
        '[strata] No event with id "nope" to skip: the whole history was looked through and it is not there.',
      )
      expect(store.history.start).toBe(2000)
      expect(store.getState()).toEqual(before)
      expect(store.logs.events.some((e) => e.skipped)).toBe(false)
    } finally {
      close()
    }
  })
})
