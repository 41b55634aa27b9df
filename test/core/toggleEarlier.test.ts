import { createStore } from '@strata/state'
import { type HistoryPage, replicaOf } from '@strata/state/sync'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'

// history.toggleEarlier: an event before the window is the earlier-history source's (the sync
// client folds the history again without it); these sources page it in and leave it to
// toggle, which folds every state after it again, the window's old base among them.

type Ev = { type: 'add'; payload: number }
/** Order-sensitive: skipping any one event changes every state after it, and differently. */
type State = { h: number; seen: number }
const initialState: State = { h: 1, seen: 0 }
const reducer = (d: State, e: Ev) => {
  d.h = (d.h * 31 + e.payload) % 1_000_003
  d.seen++
}
const remote = (i: number) => ({
  id: `r${i}`,
  event: { type: 'add', payload: i },
  at: i,
  position: `v1:${i}`,
})

/** A synced store that pulled events 1..n, all in memory: what every state must equal. */
function whole(n: number, history = {}) {
  const store = createStore({ initialState, reducer, history })
  const replica = replicaOf(store)
  replica.pull(Array.from({ length: n }, (_, i) => remote(i + 1)))
  return { store, replica }
}

/**
 * The same history with only the last `kept` events in memory: the others were evicted a page
 * of `size` at a time, and an earlier-history source puts pages back, as the sync client's does.
 */
function windowed(n: number, kept: number, size = 10, history = {}) {
  const { store, replica } = whole(n, history)
  const pages: HistoryPage<unknown>[] = []
  while (store.history.start + size <= n - kept) pages.push(replica.evict(size)!)
  const load = vi.fn(async (count: number | undefined) => {
    let loaded = 0
    while (loaded < (count ?? size) && pages.length) {
      const page = pages.pop()!
      replica.extend(page)
      loaded += page.events.length
    }
    return loaded
  })
  // As the sync client did before folding from the server: page in until the event is in
  // memory, then let toggle take it (undefined: not toggled here).
  const toggle = async (id: string) => {
    while (!store.logs.events.some((e) => e.id === id) && (await load(1000))) {}
    return undefined
  }
  replica.setEarlier({ load, refold: async () => initialState, toggle })
  return { store, replica, load, pages }
}

/** The whole history with these events skipped. */
function skippedAt(n: number, ids: readonly string[]) {
  const { store } = whole(n)
  for (const id of ids) store.history.toggle(id)
  return store
}

type AnyStore = ReturnType<typeof whole>['store']

/** Every state from `store.history.start` on equals the reference's at the same index. */
function expectSameStates(store: AnyStore, reference: AnyStore) {
  expect(store.history.length).toBe(reference.history.length)
  for (let i = store.history.start; i <= store.history.length; i++) {
    expect(store.logs.states.at(i), `state ${i}`).toEqual(reference.logs.states.at(i))
  }
  expect(store.getState()).toEqual(reference.getState())
}

const skippedIds = (store: AnyStore) => store.logs.events.filter((e) => e.skipped).map((e) => e.id)

describe('history.toggleEarlier', () => {
  it('pages in an event before the window, skips it and folds every later state again', async () => {
    const { store, load } = windowed(100, 20)
    expect(store.history.start).toBe(80)
    const reference = whole(100).store
    expect(reference.history.toggle('r7')).toBe(true)

    expect(await store.history.toggleEarlier('r7')).toBe(true)
    expect(store.history.start).toBeLessThanOrEqual(6)
    expect(load.mock.calls.map(([count]) => count)).toEqual([1000])
    expect(skippedIds(store)).toEqual(['r7'])
    expectSameStates(store, reference)
    // The old base of the window no longer holds the event.
    expect(store.logs.states.at(80)).toEqual(reference.logs.states.at(80))
    expect(store.logs.states.at(80)).not.toEqual(whole(100).store.logs.states.at(80))
  })

  it('toggling it back gives the states of the untouched history', async () => {
    const { store } = windowed(60, 10)
    await store.history.toggleEarlier('r3')
    expect(store.history.toggle('r3')).toBe(false)
    expectSameStates(store, whole(60).store)
    expect(skippedIds(store)).toEqual([])
  })

  it('leaves an event before the window to the source, and folds the window from its base', async () => {
    const { store, replica } = whole(30)
    replica.evict(20)
    const reference = skippedAt(30, ['r5'])
    const toggle = vi.fn(async () => [reference.logs.states.at(20), true] as [unknown, boolean])
    replica.setEarlier({ load: async () => 0, refold: async () => initialState, toggle })
    expect(await store.history.toggleEarlier('r5')).toBe(true)
    expect(toggle.mock.calls).toEqual([['r5']])
    // Nothing paged in: the window's states, folded from the base the source gave.
    expect(store.history.start).toBe(20)
    expectSameStates(store, reference)
  })

  it('toggles an event in memory at once, before the promise settles, asking for nothing', () => {
    const { store, load } = windowed(50, 20)
    const before = store.getState()
    const done = store.history.toggleEarlier('r50')
    expect(store.logs.events.at(-1)!.skipped).toBe(true)
    expect(store.getState()).toEqual(store.logs.states.at(49))
    expect(store.getState()).not.toEqual(before)
    expect(load).not.toHaveBeenCalled()
    return expect(done).resolves.toBe(true)
  })

  it('works as toggle on a store without earlier history', async () => {
    const store = createStore({ initialState, reducer })
    store.dispatch({ type: 'add', payload: 1 })
    store.dispatch({ type: 'add', payload: 2 })
    expect(await store.history.toggleEarlier(store.logs.events[0]!.id)).toBe(true)
    expect(store.getState()).toEqual({ h: 33, seen: 1 })
    await expect(store.history.toggleEarlier('nope')).rejects.toThrow(
      /history.toggle: no event with id "nope" in the log/,
    )
  })

  it('rejects an unknown id after loading everything, and leaves every state as it was', async () => {
    const { store } = windowed(100, 20)
    const version = store.logs.version
    await expect(store.history.toggleEarlier('nope')).rejects.toThrow(RangeError)
    await expect(store.history.toggleEarlier('nope')).rejects.toThrow(
      /no event with id "nope" in the log/,
    )
    // Everything was paged in looking for it; nothing else changed.
    expect(store.history.start).toBe(0)
    expect(store.logs.version).toBeGreaterThan(version)
    expect(skippedIds(store)).toEqual([])
    expectSameStates(store, whole(100).store)
    expect(store.history.isLive).toBe(true)
  })

  it('rejects, changing nothing, when earlier history cannot be loaded (offline)', async () => {
    const { store, replica } = whole(30)
    replica.evict(20)
    replica.setEarlier({
      load: async () => 0,
      refold: async () => initialState,
      toggle: async () => undefined,
    })
    const states = Array.from({ length: 11 }, (_, i) => store.logs.states.at(20 + i))
    await expect(store.history.toggleEarlier('r5')).rejects.toThrow(
      /no event with id "r5" in memory \(events 20 on; await history.toggleEarlier\(id\) pages in the others\)/,
    )
    expect(store.history.start).toBe(20)
    for (let i = 0; i <= 10; i++) expect(store.logs.states.at(20 + i)).toBe(states[i])
  })

  it('keeps the viewed index while the window extends down, and shows the new state there', async () => {
    const { store } = windowed(100, 20)
    store.history.jumpTo(90)
    await store.history.toggleEarlier('r12')
    const reference = whole(100).store
    reference.history.toggle('r12')
    expect(store.history.cursor).toBe(90)
    expect(store.getState()).toEqual(reference.logs.states.at(90))
  })

  it('toggle names toggleEarlier for an event that is not in memory', () => {
    const { store } = windowed(40, 10)
    expect(() => store.history.toggle('r1')).toThrow(
      /no event with id "r1" in memory \(events 30 on; await history.toggleEarlier\(id\) pages in the others\)/,
    )
  })
})

describe('a skipped event before the window', () => {
  it('leaves memory with the others, kept aside: the window is its size again', async () => {
    const { store, replica, pages } = windowed(100, 20)
    await store.history.toggleEarlier('r7')
    expect(store.history.start).toBeLessThan(7)
    while (store.history.start < 80) pages.push(replica.evict(10)!)
    expect(store.history.start).toBe(80)
    expect(store.logs.events).toHaveLength(20)
    expectSameStates(store, skippedAt(100, ['r7']))
    // What a snapshot keeps is the fold without it.
    expect(replica.settledState()).toEqual(whole(100).store.getState())
    expect(replica.settledState(5)).toEqual(whole(100).store.logs.states.at(85))
    // Un-skipped: paged back in, in place of its page's copy, and every later state folded again.
    expect(() => store.history.toggle('r7')).toThrow(/toggleEarlier/)
    expect(await store.history.toggleEarlier('r7')).toBe(false)
    expectSameStates(store, whole(100).store)
  })
})

describe('replica.settledState', () => {
  it('folds skipped settled events in (what a snapshot keeps), leaving rejected ones out', () => {
    const { store, replica } = whole(30)
    const reference = whole(30).store
    store.history.toggle('r4')
    store.history.toggle('r20')
    expect(store.getState()).not.toEqual(reference.getState())
    expect(replica.settledState()).toEqual(reference.getState())
    expect(replica.settledState(10)).toEqual(reference.logs.states.at(10))
    expect(replica.settledState(3)).toBe(store.logs.states.at(3))
    // A pending event is not in it; a rejected one is not applied.
    store.dispatch({ type: 'add', payload: 99 })
    const [pending] = replica.pending()
    replica.reject(pending!.id, new Error('no'))
    expect(replica.settledState()).toEqual(reference.getState())
  })
})

describe('property: toggleEarlier gives the states of a full fold with the same skips', () => {
  it('for any window, page size and events toggled', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: 1, max: 15 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(0, 4),
        async (n, keptShare, size, picks, ms) => {
          const kept = Math.floor(keptShare * n * 0.3)
          const { store, replica, pages } = windowed(n, kept, size, { checkpointEveryMs: ms })
          const reference = whole(n).store
          for (const [k, p] of picks.entries()) {
            const id = `r${1 + Math.floor(p * (n - 1))}`
            const skipped = await store.history.toggleEarlier(id)
            expect(reference.history.toggle(id)).toBe(skipped)
            // Every other time, the window goes back to its size, skipped events kept aside.
            if (k % 2)
              while (store.history.start + size <= n - kept) pages.push(replica.evict(size)!)
          }
          expectSameStates(store, reference)
          const from = store.history.start
          expect(skippedIds(store)).toEqual(
            reference.logs.events.filter((e, i) => i >= from && e.skipped).map((e) => e.id),
          )
          // Paged back to the first event: every skip is there again, in place.
          await store.history.loadEarlier(n)
          expectSameStates(store, reference)
          expect(skippedIds(store)).toEqual(skippedIds(reference))
        },
      ),
      { numRuns: 100 },
    )
  })
})
