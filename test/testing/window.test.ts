import { createStore } from '@strata/state'
import { replicaOf } from '@strata/state/sync'
import { exportSession, loadSession, replaySession, serializeSession } from '@strata/state/testing'
import { describe, expect, it } from 'vitest'

type Ev = { type: 'add'; payload: number }
const reducer = (d: { n: number }, e: Ev) => {
  d.n += e.payload
}

/** A synced store that pulled events 1..n and then let the oldest `evicted` leave memory. */
function windowed(n: number, evicted: number) {
  const store = createStore({ initialState: { n: 0 }, reducer })
  const replica = replicaOf(store)
  replica.pull(
    Array.from({ length: n }, (_, i) => ({
      id: `r${i + 1}`,
      event: { type: 'add', payload: i + 1 },
      at: i + 1,
      position: `v1:${i + 1}`,
    })),
  )
  replica.evict(evicted)
  return store
}

describe('an exported session of a store whose window holds only recent history', () => {
  it('says which range it holds, starts from the state at its first event and replays', () => {
    const store = windowed(30, 12)
    expect(store.history.start).toBe(12)
    const session = exportSession(store, { checkpointEvery: 5 })
    expect(session.meta.range).toEqual({ from: 12, to: 30 })
    expect(session.events).toHaveLength(18)
    expect(session.initialState).toEqual({ n: (12 * 13) / 2 })
    expect(session.checkpoints.at(-1)).toEqual({ index: 18, state: { n: (30 * 31) / 2 } })
    const result = replaySession(loadSession(serializeSession(session)), { reducer })
    expect(result.ok).toBe(true)
    expect(result.finalState).toEqual(store.getState())
  })

  it('a store holding its whole history writes no range', () => {
    expect(exportSession(windowed(5, 0)).meta.range).toBeUndefined()
  })

  it.each([
    ['not an object', 3, /meta\.range/],
    ['a negative start', { from: -1, to: 4 }, /meta\.range\.from/],
    ['an end before the start', { from: 4, to: 2 }, /meta\.range\.to/],
    ['another number of events', { from: 10, to: 12 }, /meta\.range.*18 events/],
  ])('refuses a range that is %s', (_what, range, message) => {
    const session = exportSession(windowed(30, 12))
    expect(() => loadSession({ ...session, meta: { ...session.meta, range } })).toThrow(message)
  })
})
