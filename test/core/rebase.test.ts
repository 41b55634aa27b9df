import { createStore } from '@strata/state'
import { replicaOf } from '@strata/state/sync'
import { describe, expect, it } from 'vitest'

type Ev =
  | { type: 'set'; payload: { key: string; value: number } }
  | { type: 'removed'; payload: { key: string } }
type State = Record<string, number>

/** A store that counts reducer and handler calls, so tests can say what a rebase costs. */
function counted() {
  const calls = { folds: 0, handlers: 0 }
  const store = createStore({
    initialState: {} as State,
    // Checkpoints placed by measured reducer time would make the fold counts depend on the
    // machine's speed: only the pinned settled state is a checkpoint here.
    history: { checkpointEveryMs: Number.POSITIVE_INFINITY },
    reducer: (draft: State, e: Ev) => {
      calls.folds++
      if (e.type === 'set') draft[e.payload.key] = e.payload.value
      else delete draft[e.payload.key]
    },
    commands: {
      increment: (state: State, key: string) => {
        calls.handlers++
        return { type: 'set' as const, payload: { key, value: (state[key] ?? 0) + 1 } }
      },
      bump: (state: State, key: string) => {
        calls.handlers++
        if (state[key] === undefined) throw new Error(`No ${key} to bump`)
        return { type: 'set' as const, payload: { key, value: state[key] + 1 } }
      },
    },
  })
  const replica = replicaOf(store)
  const reset = () => {
    calls.folds = 0
    calls.handlers = 0
  }
  return { store, replica, calls, reset }
}

const remote = (n: number, key = 'r') => ({
  id: `remote-${n}`,
  event: { type: 'set', payload: { key, value: n } },
  at: 1,
  position: `v1:${n}`,
})

describe('rebase cost', () => {
  it('own events coming back fold nothing, keep the state and tell no state listener', () => {
    const { store, replica, calls, reset } = counted()
    for (let i = 0; i < 5; i++) store.dispatch({ type: 'increment', payload: 'x' })
    const state = store.getState()
    let told = 0
    store.subscribe(() => told++)
    let logsTold = 0
    store.logs.subscribe(() => logsTold++)
    reset()
    const echoes = store.logs.events.map((e, i) => ({
      id: e.id,
      event: e.event,
      at: e.at,
      position: `v1:${i + 1}`,
    }))
    replica.pull(echoes.slice(0, 2))
    replica.pull(echoes.slice(2))
    expect(calls).toEqual({ folds: 0, handlers: 0 })
    expect(store.getState()).toBe(state)
    expect(told).toBe(0)
    expect(logsTold).toBe(2)
    expect(replica.settled).toBe(5)
    expect(store.logs.events.map((e) => e.position)).toEqual(echoes.map((e) => e.position))
  })

  it('N pending over M remote: N handler calls and M + N folds, from the last settled state', () => {
    const { store, replica, calls, reset } = counted()
    replica.pull(Array.from({ length: 300 }, (_, i) => remote(i + 1)))
    for (let i = 0; i < 10; i++) store.dispatch({ type: 'increment', payload: 'x' })
    reset()
    replica.pull(Array.from({ length: 20 }, (_, i) => remote(301 + i)))
    expect(calls).toEqual({ folds: 30, handlers: 10 })
    expect(store.getState()).toEqual({ r: 320, x: 10 })
  })

  it('after echoes, the next rebase folds only what was echoed since the last settled state', () => {
    const { store, replica, calls, reset } = counted()
    for (let i = 0; i < 4; i++) store.dispatch({ type: 'increment', payload: 'x' })
    const [a, b] = store.logs.events
    replica.pull(
      [a!, b!].map((e, i) => ({ id: e.id, event: e.event, at: e.at, position: `v1:${i + 1}` })),
    )
    reset()
    replica.pull([remote(3)])
    // 2 echoed (folded once to reach the new settled state), 1 remote, 2 pending re-run.
    expect(calls).toEqual({ folds: 5, handlers: 2 })
    expect(store.getState()).toEqual({ x: 4, r: 3 })
  })

  it('confirming a batch reads only the unsettled events', () => {
    const { store, replica } = counted()
    replica.pull(Array.from({ length: 50 }, (_, i) => remote(i + 1)))
    store.dispatch({ type: 'increment', payload: 'x' })
    store.dispatch({ type: 'increment', payload: 'y' })
    const [x, y] = replica.pending()
    replica.confirmAll([
      { id: x!.id, position: 'v1:51' },
      { id: y!.id, position: 'v1:52' },
      { id: 'remote-3', position: 'v1:99' },
    ])
    expect(replica.pending()).toEqual([])
    expect(replica.unsettled().map((e) => e.position)).toEqual(['v1:51', 'v1:52'])
    // A settled event is never moved by a confirmation.
    expect(store.logs.events[2]!.position).toBe('v1:3')
  })
})

describe('lost commands', () => {
  it('a pending command whose handler now throws is reported once, with its events gone', () => {
    const { store, replica } = counted()
    replica.pull([remote(1, 'k')])
    store.dispatch({ type: 'bump', payload: 'k' })
    const made = store.logs.events.at(-1)!
    const { lost } = replica.pull([
      { id: 'gone', event: { type: 'removed', payload: { key: 'k' } }, at: 1, position: 'v1:2' },
    ])
    expect(lost).toHaveLength(1)
    expect(lost[0]!.command.type).toBe('bump')
    expect(lost[0]!.error).toEqual(new Error('No k to bump'))
    expect(lost[0]!.events.map((e) => e.id)).toEqual([made.id])
    expect(replica.pending()).toEqual([])
    expect(store.getState()).toEqual({})
    // Lost once: later rebases do not report it again.
    expect(replica.pull([remote(3, 'k')]).lost).toEqual([])
    expect(replica.rebase()).toEqual([])
  })

  it('a frozen command is not re-run, so it is not lost', () => {
    const { store, replica } = counted()
    replica.pull([remote(1, 'k')])
    store.dispatch({ type: 'bump', payload: 'k' })
    const { lost } = replica.pull(
      [{ id: 'gone', event: { type: 'removed', payload: { key: 'k' } }, at: 1, position: 'v1:2' }],
      { frozen: () => true },
    )
    expect(lost).toEqual([])
    expect(replica.pending()).toHaveLength(1)
    // Unfrozen later (the server refused it): re-run now, and lost.
    expect(replica.rebase().map((l) => l.command.type)).toEqual(['bump'])
  })

  it('a rejection can lose the commands decided on top of it', () => {
    const { store, replica } = counted()
    store.dispatch({ type: 'increment', payload: 'k' })
    store.dispatch({ type: 'bump', payload: 'k' })
    const [first] = store.logs.events
    const lost = replica.reject(first!.id, { code: 'invalid' })
    expect(lost.map((l) => l.command.type)).toEqual(['bump'])
  })
})

describe('restore', () => {
  it('brings back the commands beside their events, so they can be re-run after a reload', () => {
    const before = counted()
    before.store.dispatch({ type: 'bump', payload: 'k' })
    before.replica.pull([remote(1, 'k')])
    before.store.dispatch({ type: 'bump', payload: 'k' })
    const command = before.store.logs.commands.at(-1)!
    const event = before.store.logs.events.at(-1)!

    const after = counted()
    after.replica.pull([remote(1, 'k')])
    after.replica.restore([
      {
        id: event.id,
        event: event.event,
        at: event.at,
        commandId: command.id,
        command: { command: command.command, at: command.at, ctx: command.ctx },
      },
    ])
    expect(after.store.getState()).toEqual({ k: 2 })
    expect(after.store.logs.commands.map((c) => [c.id, c.eventIds])).toEqual([
      [command.id, [event.id]],
    ])
    const { lost } = after.replica.pull([
      { id: 'gone', event: { type: 'removed', payload: { key: 'k' } }, at: 1, position: 'v1:2' },
    ])
    expect(lost.map((l) => l.command.id)).toEqual([command.id])
  })
})
