import { connectReduxDevtools, restoreStore } from '@strata/state/inspect'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { eventStore, history, type TodoState, tick, todoReducer } from './fixtures'
import { recorder } from './reduxExtension'

const bridges: { disconnect(): void }[] = []
afterEach(() => {
  for (const b of bridges.splice(0)) b.disconnect()
})
function bridge(store = history(), options: Parameters<typeof connectReduxDevtools>[1] = {}) {
  const rec = recorder()
  const b = connectReduxDevtools(store, { extension: rec.extension, ...options })!
  bridges.push(b)
  return { store, rec, bridge: b }
}

describe('connectReduxDevtools', () => {
  it('returns undefined without the extension', () => {
    expect(connectReduxDevtools(history())).toBeUndefined()
  })

  it('connects with features, inits, and sends each event as an action with its state', () => {
    const { store, rec } = bridge()
    expect(rec.calls[0]).toEqual([
      'connect',
      expect.objectContaining({
        name: 'strata',
        maxAge: 50,
        features: expect.objectContaining({ jump: true, skip: true, import: 'custom' }),
      }),
    ])
    expect(rec.calls[1]).toEqual(['init', { todos: [], filter: 'all' }])
    const sends = rec.calls.filter((c) => c[0] === 'send')
    expect(sends.map((c) => (c[1] as { type: string }).type)).toEqual([
      'added',
      'added',
      'toggled',
      'toggled',
      'filtered',
    ])
    expect(sends[4]![2]).toBe(store.getState())
  })

  it('sends new events as the app dispatches them', async () => {
    const { store, rec } = bridge()
    store.dispatch({ type: 'filtered', payload: 'all' })
    await tick()
    expect(rec.calls.at(-1)).toEqual([
      'send',
      { type: 'filtered', payload: 'all' },
      store.getState(),
    ])
    expect(rec.states).toHaveLength(7)
  })

  it('jumps on JUMP_TO_STATE and JUMP_TO_ACTION, by action id', () => {
    const { store, rec } = bridge()
    rec.jumpTo(1)
    expect(store.history.cursor).toBe(1)
    expect(store.getState().todos).toEqual([{ id: 'a', text: 'milk', done: false }])
    rec.dispatch({ type: 'JUMP_TO_ACTION', actionId: rec.ids[3] }, rec.states[3])
    expect(store.history.cursor).toBe(3)
    rec.dispatch({ type: 'JUMP_TO_STATE', index: 0, actionId: 0 }, rec.states[0])
    expect(store.getState()).toEqual({ todos: [], filter: 'all' })
  })

  it('skips and un-skips on TOGGLE_ACTION, then sends the recomputed lifted state', () => {
    const { store, rec } = bridge()
    const lifted = { skippedActionIds: [], stagedActionIds: rec.ids }
    rec.dispatch({ type: 'TOGGLE_ACTION', id: 2 }, lifted)
    expect(store.logs.events[1]!.skipped).toBe(true)
    expect(store.getState().todos.map((t) => t.id)).toEqual(['a'])
    const [, action, sent] = rec.calls.at(-1) as [string, null, any]
    expect(action).toBeNull()
    expect(sent.skippedActionIds).toEqual([2])
    expect(sent.computedStates.at(-1).state).toBe(store.getState())
    rec.dispatch({ type: 'TOGGLE_ACTION', id: 2 }, lifted)
    expect(store.logs.events[1]!.skipped).toBe(false)
  })

  const nextLiftedState = {
    actionsById: {
      0: { type: 'PERFORM_ACTION', action: { type: '@@INIT' }, timestamp: 1 },
      1: {
        type: 'PERFORM_ACTION',
        action: { type: 'added', payload: { id: 'x', text: 'tea' } },
        timestamp: 2,
      },
      2: { type: 'PERFORM_ACTION', action: { type: 'filtered', payload: 'open' }, timestamp: 3 },
    },
    computedStates: [{ state: { todos: [], filter: 'all' } }, { state: {} }, { state: {} }],
    committedState: { todos: [], filter: 'all' },
    currentStateIndex: 2,
    nextActionId: 3,
    skippedActionIds: [2],
    stagedActionIds: [0, 1, 2],
  }
  const tea = { todos: [{ id: 'x', text: 'tea', done: false }], filter: 'all' }

  it('imports a lifted state from IMPORT_STATE into the same store without `load`', async () => {
    const { store, rec } = bridge()
    rec.dispatch({ type: 'IMPORT_STATE', nextLiftedState, preloadedState: undefined })
    expect(store.getState()).toEqual(tea)
    expect(store.logs.events.map((e) => [e.type, e.skipped])).toEqual([
      ['added', false],
      ['filtered', true],
    ])
    expect(rec.calls.some((c) => c[0] === 'error')).toBe(false)
    // The extension starts over from the imported history...
    expect(rec.calls.findLast((c) => c[0] === 'init')![1]).toEqual({ todos: [], filter: 'all' })
    expect(rec.states).toHaveLength(3)
    // ...and follows the store's new log as the app dispatches.
    store.dispatch({ type: 'toggled', payload: { id: 'x' } })
    await tick()
    expect(rec.calls.at(-1)).toEqual([
      'send',
      { type: 'toggled', payload: { id: 'x' } },
      store.getState(),
    ])
    expect(rec.states).toHaveLength(4)
    rec.jumpTo(1)
    expect(store.getState()).toEqual(tea)
  })

  it('imports a bare array of actions from IMPORT_STATE, over the preloaded state', () => {
    const { store, rec } = bridge()
    const preloadedState = { todos: [{ id: 'p', text: 'jam', done: false }], filter: 'open' }
    rec.dispatch({
      type: 'IMPORT_STATE',
      nextLiftedState: [{ type: 'toggled', payload: { id: 'p' } }],
      preloadedState,
    })
    expect(store.logs.states.at(0)).toEqual(preloadedState)
    expect(store.getState().todos[0]!.done).toBe(true)
    expect(rec.states).toHaveLength(2)
  })

  it('hands IMPORT_STATE to `load` when given, for apps that swap stores', () => {
    let target = eventStore()
    const load = (session: any) => {
      target = restoreStore<TodoState>(session, { reducer: todoReducer })
    }
    const { store, rec } = bridge(history(), { load })
    rec.dispatch({ type: 'IMPORT_STATE', nextLiftedState, preloadedState: undefined })
    expect(target.getState()).toEqual(tea)
    expect(target.logs.events.map((e) => e.skipped)).toEqual([false, true])
    expect(store.logs.events).toHaveLength(5)
  })

  it('commits on COMMIT and starts the extension over from the committed state', () => {
    const { store, rec } = bridge()
    rec.jumpTo(3)
    rec.dispatch({ type: 'COMMIT', timestamp: 1 })
    expect(store.logs.events).toHaveLength(2)
    const init = rec.calls.findLast((c) => c[0] === 'init')!
    expect(init[1]).toBe(store.logs.states.at(0))
    expect((init[1] as any).todos[0].done).toBe(true)
  })

  it('rolls back on ROLLBACK: the actions since the last commit are gone', () => {
    const { store, rec } = bridge()
    rec.jumpTo(2)
    rec.dispatch({ type: 'COMMIT', timestamp: 1 })
    const committed = store.logs.states.at(0)
    store.history.toLive()
    expect(store.getState().filter).toBe('open')
    rec.dispatch({ type: 'ROLLBACK', timestamp: 1 }, rec.states[0])
    expect(store.logs.events).toHaveLength(0)
    expect(store.history.isLive).toBe(true)
    expect(store.getState()).toBe(committed)
    expect(store.getState().todos.map((t) => t.id)).toEqual(['a', 'b'])
    expect(rec.calls.findLast((c) => c[0] === 'init')![1]).toBe(committed)
    expect(rec.states).toEqual([committed])
  })

  it('resets on RESET: the initial state and no actions, even after a commit', () => {
    const { store, rec } = bridge()
    rec.dispatch({ type: 'COMMIT', timestamp: 1 })
    store.dispatch({ type: 'filtered', payload: 'all' })
    rec.dispatch({ type: 'RESET', timestamp: 1 })
    expect(store.logs.events).toHaveLength(0)
    expect(store.logs.commands).toHaveLength(0)
    expect(store.getState()).toBe(store.getInitialState())
    expect(rec.states).toEqual([store.getInitialState()])
  })

  it('rolls back and resets the store itself even when `load` is given', () => {
    const load = vi.fn()
    const { store, rec } = bridge(history(), { load })
    rec.dispatch({ type: 'ROLLBACK', timestamp: 1 })
    expect(store.getState()).toEqual({ todos: [], filter: 'all' })
    store.dispatch({ type: 'filtered', payload: 'open' })
    rec.dispatch({ type: 'RESET', timestamp: 1 })
    expect(store.getState()).toBe(store.getInitialState())
    expect(load).not.toHaveBeenCalled()
  })

  it('reports a refused ROLLBACK, RESET or IMPORT_STATE to the extension', () => {
    const sync = { status: 'idle', subscribe: () => () => {} }
    const { store, rec } = bridge(history(), { sync })
    rec.dispatch({ type: 'ROLLBACK', timestamp: 1 })
    rec.dispatch({ type: 'RESET', timestamp: 1 })
    rec.dispatch({ type: 'IMPORT_STATE', nextLiftedState })
    const errors = rec.calls.filter((c) => c[0] === 'error').map((c) => c[1])
    expect(errors).toEqual([
      expect.stringMatching(/^Rollback: .*synced store/),
      expect.stringMatching(/^Reset: .*synced store/),
      expect.stringMatching(/^Import: .*synced store/),
    ])
    expect(store.logs.events).toHaveLength(5)
  })

  it('stops sending while PAUSE_RECORDING, and catches up on resume', async () => {
    const { store, rec } = bridge()
    rec.dispatch({ type: 'PAUSE_RECORDING', status: true })
    const count = rec.calls.length
    store.dispatch({ type: 'filtered', payload: 'all' })
    await tick()
    expect(rec.calls.length).toBe(count)
    rec.dispatch({ type: 'PAUSE_RECORDING', status: false })
    expect(rec.states).toHaveLength(7)
    expect(rec.states.at(-1)).toBe(store.getState())
  })

  it('locks the store on LOCK_CHANGES: a dispatch records nothing until unlocked', async () => {
    const { store, rec } = bridge()
    rec.dispatch({ type: 'LOCK_CHANGES', status: true })
    expect(store.history.locked).toBe(true)
    const [, action, lifted] = rec.calls.at(-1) as [string, null, any]
    expect(action).toBeNull()
    expect(lifted.isLocked).toBe(true)
    const count = rec.calls.length
    const before = store.getState()
    const result = store.dispatch({ type: 'filtered', payload: 'all' })
    expect((result.error as Error).message).toMatch(/locked/)
    await tick()
    expect(store.logs.events).toHaveLength(5)
    expect(store.getState()).toBe(before)
    expect(store.history).toMatchObject({ isLive: true, length: 5 })
    expect(rec.calls.length).toBe(count)
    // An action typed in the extension is refused too, and the extension says why.
    rec.message({ type: 'ACTION', payload: '{"type":"filtered","payload":"all"}' })
    expect(rec.calls.at(-1)).toEqual(['error', expect.stringMatching(/locked/)])
    rec.dispatch({ type: 'LOCK_CHANGES', status: false })
    expect((rec.calls.at(-1) as [string, null, any])[2].isLocked).toBe(false)
    store.dispatch({ type: 'filtered', payload: 'all' })
    expect(store.getState().filter).toBe('all')
    expect(store.logs.events).toHaveLength(6)
  })

  it('dispatches actions typed in the extension dispatcher', () => {
    const { store, rec } = bridge()
    rec.message({ type: 'ACTION', payload: '{"type":"filtered","payload":"all"}' })
    expect(store.getState().filter).toBe('all')
  })

  it('shows only the last maxAge states', () => {
    const { rec } = bridge(history(), { maxAge: 3 })
    expect(rec.calls[1]).toEqual(['init', history().logs.states.at(3)])
    expect(rec.states).toHaveLength(3)
  })
})
