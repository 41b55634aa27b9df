import { createStore } from '@strata/state'
import { replicaOf } from '@strata/state/sync'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

type Ev = { type: 'set'; payload: { key: string; value: number } }
type State = Record<string, number>
const reducer = (draft: State, e: Ev) => {
  draft[e.payload.key] = e.payload.value
}
// A handler that reads the state: after a rebase its event must reflect the new state.
const commands = {
  increment: (state: State, key: string) => ({
    type: 'set' as const,
    payload: { key, value: (state[key] ?? 0) + 1 },
  }),
  fail: () => {
    throw new Error('no')
  },
}
const remote = (id: string, key: string, value: number, position: string) => ({
  id,
  event: { type: 'set', payload: { key, value } },
  at: 1,
  position,
})

function synced() {
  const store = createStore({ initialState: {} as State, reducer, commands })
  return { store, replica: replicaOf(store) }
}

describe('replicaOf', () => {
  it('lists local events as pending until a server stores them', () => {
    const { store, replica } = synced()
    store.dispatch({ type: 'increment', payload: 'a' })
    store.dispatch({ type: 'increment', payload: 'b' })
    const [a, b] = store.logs.events
    expect(replica.pending().map((e) => e.id)).toEqual([a!.id, b!.id])
    replica.confirm(a!.id, 'v1:7')
    expect(store.logs.events[0]!.position).toBe('v1:7')
    expect(replica.pending().map((e) => e.id)).toEqual([b!.id])
    expect(replica.settled).toBe(0)
  })

  it('settles remote events before pending ones and re-runs pending commands on top', () => {
    const { store, replica } = synced()
    store.dispatch({ type: 'increment', payload: 'x' })
    const local = store.logs.events[0]!
    expect(store.getState()).toEqual({ x: 1 })
    const result = replica.pull([remote('r1', 'x', 10, 'v1:1')])
    expect(result).toMatchObject({ applied: 1, duplicates: 0 })
    expect(store.logs.events.map((e) => e.id)).toEqual(['r1', local.id])
    expect(store.logs.events[0]).toMatchObject({ origin: 'remote', position: 'v1:1' })
    // The pending increment ran again on the remote value: 10 + 1, with the same event id.
    expect(store.getState()).toEqual({ x: 11 })
    expect(store.logs.events[1]!.payload).toEqual({ key: 'x', value: 11 })
    expect(replica.settled).toBe(1)
  })

  it('settles its own events when they come back, and never applies an event twice', () => {
    const { store, replica } = synced()
    store.dispatch({ type: 'increment', payload: 'x' })
    store.dispatch({ type: 'increment', payload: 'x' })
    const [first, second] = store.logs.events
    const echo = (e: typeof first, position: string) => ({
      id: e!.id,
      event: e!.event,
      at: e!.at,
      position,
    })
    replica.pull([echo(first, 'v1:1')])
    expect(replica.settled).toBe(1)
    expect(replica.pending().map((e) => e.id)).toEqual([second!.id])
    expect(replica.pull([echo(first, 'v1:1')])).toMatchObject({ applied: 0, duplicates: 1 })
    replica.pull([echo(first, 'v1:1'), echo(second, 'v1:2')])
    expect(store.logs.events).toHaveLength(2)
    expect(store.getState()).toEqual({ x: 2 })
    expect(replica.pending()).toEqual([])
  })

  it('does not re-run commands whose events are in flight', () => {
    const { store, replica } = synced()
    store.dispatch({ type: 'increment', payload: 'x' })
    const sent = store.logs.events[0]!
    replica.pull([remote('r1', 'x', 10, 'v1:1')], { frozen: (e) => e.id === sent.id })
    expect(store.logs.events[1]!.payload).toEqual({ key: 'x', value: 1 })
    expect(store.getState()).toEqual({ x: 1 })
  })

  it('a rejected event is kept with the server error, undone, and the rest rebased', () => {
    const { store, replica } = synced()
    store.dispatch({ type: 'increment', payload: 'x' })
    store.dispatch({ type: 'increment', payload: 'x' })
    const [first, second] = store.logs.events
    const error = { code: 'forbidden', message: 'not yours' }
    replica.reject(first!.id, error)
    expect(store.logs.events[0]).toMatchObject({ id: first!.id, rejected: error })
    expect(replica.settled).toBe(1)
    expect(replica.pending().map((e) => e.id)).toEqual([second!.id])
    // The second increment no longer sees the first one.
    expect(store.getState()).toEqual({ x: 1 })
  })

  it('restores local events from a durable outbox as pending', () => {
    const { store, replica } = synced()
    replica.restore([
      { id: 'old-1', event: { type: 'set', payload: { key: 'k', value: 5 } }, at: 1 },
    ])
    expect(store.getState()).toEqual({ k: 5 })
    expect(replica.pending().map((e) => e.id)).toEqual(['old-1'])
  })

  it('rebases while the cursor is in the past without moving it', () => {
    const { store, replica } = synced()
    store.dispatch({ type: 'increment', payload: 'x' })
    store.dispatch({ type: 'increment', payload: 'y' })
    store.history.jumpTo(1)
    replica.pull([remote('r1', 'z', 3, 'v1:1')])
    expect(store.history.cursor).toBe(1)
    expect(store.getState()).toEqual({ z: 3 })
  })

  it('refuses an object that is not a Strata store', () => {
    expect(() => replicaOf({} as never)).toThrow(/\[strata\] Expected a store made by createStore/)
  })

  it('converges to the server order: settled events in pull order, then pending ones', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('local' as const), key: fc.constantFrom('a', 'b') }),
      fc.record({
        kind: fc.constant('remote' as const),
        key: fc.constantFrom('a', 'b'),
        value: fc.integer(),
      }),
      fc.record({ kind: fc.constant('echo' as const), count: fc.nat(3) }),
      fc.record({ kind: fc.constant('reject' as const) }),
    )
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const { store, replica } = synced()
        let position = 0
        for (const s of steps) {
          if (s.kind === 'local') store.dispatch({ type: 'increment', payload: s.key })
          if (s.kind === 'remote')
            replica.pull([remote(`r${position}`, s.key, s.value, `v1:${++position}`)])
          if (s.kind === 'echo') {
            const sent = replica.pending().slice(0, s.count)
            replica.pull(
              sent.map((e) => ({
                id: e.id,
                event: e.event,
                at: e.at,
                position: `v1:${++position}`,
              })),
            )
          }
          if (s.kind === 'reject' && replica.pending()[0])
            replica.reject(replica.pending()[0]!.id, 'no')
        }
        const list = store.logs.events
        const settled = list.slice(0, replica.settled)
        expect(settled.every((e) => e.position !== undefined || e.rejected !== undefined)).toBe(
          true,
        )
        expect(
          list
            .slice(replica.settled)
            .every((e) => e.origin === 'local' && e.position === undefined),
        ).toBe(true)
        expect(new Set(list.map((e) => e.id)).size).toBe(list.length)
        const expected: State = {}
        for (const e of list) if (e.rejected === undefined && !e.skipped) reducer(expected, e.event)
        expect(store.getState()).toEqual(expected)
      }),
      { numRuns: 200 },
    )
  })
})
