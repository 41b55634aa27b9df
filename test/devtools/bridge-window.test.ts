import { createStore } from '@strata/state'
import { connectReduxDevtools } from '@strata/state/inspect'
import { type HistoryPage, replicaOf } from '@strata/state/sync'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { recorder } from './reduxExtension'

// The Redux DevTools bridge on a store whose history is a window (history.start > 0): the
// extension shows the last events in memory, and a skip of an action whose event has left
// memory since (recording paused while the window moved) pages it in, then toggles it.

type Ev = { type: 'add'; payload: number }
type State = { h: number; seen: number }
const initialState: State = { h: 1, seen: 0 }
/** Order-sensitive: skipping any one event changes every later state, and differently. */
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

function pulled(n: number) {
  const store = createStore({ initialState, reducer })
  const replica = replicaOf(store)
  replica.pull(Array.from({ length: n }, (_, i) => remote(i + 1)))
  return { store, replica }
}

/** Evicts `count` events a page of 10 at a time; an earlier-history source puts them back. */
function evictPages(store: ReturnType<typeof pulled>['store'], count: number) {
  const replica = replicaOf(store)
  const pages: HistoryPage<unknown>[] = []
  for (let k = 0; k < count; k += 10) pages.push(replica.evict(10)!)
  const load = vi.fn(async (ask: number | undefined) => {
    let loaded = 0
    while (loaded < (ask ?? 10) && pages.length) {
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
  return load
}

const open: { disconnect(): void }[] = []
afterEach(() => {
  for (const b of open.splice(0)) b.disconnect()
})

function bridge(store: ReturnType<typeof pulled>['store'], maxAge = 10) {
  const rec = recorder()
  open.push(connectReduxDevtools(store, { extension: rec.extension, maxAge })!)
  return rec
}

const errors = (rec: ReturnType<typeof recorder>) => rec.calls.filter((c) => c[0] === 'error')

describe('the Redux DevTools bridge on a history window', () => {
  it('shows the last events in memory, with their states, when earlier ones are not', () => {
    const { store } = pulled(40)
    evictPages(store, 30)
    expect(store.history.start).toBe(30)
    const rec = bridge(store)
    // init with the state before the 9 newest events, then one send each.
    expect(rec.states).toEqual(
      Array.from({ length: 10 }, (_, k) => store.logs.states.at(30 + 1 + k)),
    )
    rec.jumpTo(3)
    expect(store.history.cursor).toBe(34)
    expect(store.getState()).toEqual(store.logs.states.at(34))
  })

  it('skips an action on TOGGLE_ACTION in a window, states recomputed from it', () => {
    const { store } = pulled(40)
    evictPages(store, 30)
    const reference = pulled(40).store
    const rec = bridge(store)
    rec.dispatch({ type: 'TOGGLE_ACTION', id: 2 })
    reference.history.toggle('r33')
    expect(store.logs.events.find((e) => e.skipped)?.id).toBe('r33')
    expect(store.getState()).toEqual(reference.getState())
    expect(errors(rec)).toEqual([])
  })

  it('pages an action that left memory while recording was paused back in, then skips it', async () => {
    const { store } = pulled(40)
    const rec = bridge(store, 50)
    // The extension holds actions 1..40 (events r1..r40); recording pauses, the window moves.
    rec.dispatch({ type: 'PAUSE_RECORDING', status: true })
    const load = evictPages(store, 30)
    expect(store.history.start).toBe(30)
    rec.dispatch({ type: 'TOGGLE_ACTION', id: 5 })
    await vi.waitFor(() => expect(store.logs.events.some((e) => e.skipped)).toBe(true))
    expect(load).toHaveBeenCalled()
    const reference = pulled(40).store
    reference.history.toggle('r5')
    expect(store.logs.events.filter((e) => e.skipped).map((e) => e.id)).toEqual(['r5'])
    for (let i = store.history.start; i <= 40; i++) {
      expect(store.logs.states.at(i)).toEqual(reference.logs.states.at(i))
    }
    expect(errors(rec)).toEqual([])
    // The extension then gets the recomputed window, r5 shown skipped.
    await vi.waitFor(() => expect(rec.states.at(-1)).toEqual(reference.getState()))

    // And skipped again: un-skipped, in memory now.
    rec.dispatch({ type: 'TOGGLE_ACTION', id: 5 })
    expect(store.logs.events.some((e) => e.skipped)).toBe(false)
    expect(store.getState()).toEqual(pulled(40).store.getState())
  })

  it('tells the extension when the event cannot be found, and changes no state', async () => {
    const { store } = pulled(40)
    const rec = bridge(store, 50)
    rec.dispatch({ type: 'PAUSE_RECORDING', status: true })
    const replica = replicaOf(store)
    replica.evict(30)
    replica.setEarlier({
      load: async () => 0,
      refold: async () => initialState,
      toggle: async () => undefined,
    })
    const head = store.getState()
    rec.dispatch({ type: 'TOGGLE_ACTION', id: 5 })
    await vi.waitFor(() => expect(errors(rec)).toHaveLength(1))
    expect(errors(rec)[0]![1]).toMatch(/^Skip: \[strata\] history.toggle: no event with id "r5"/)
    expect(store.getState()).toBe(head)
    expect(store.history.start).toBe(30)
  })
})
