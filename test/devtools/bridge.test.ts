import {
  connectReduxDevtools,
  type ReduxDevtoolsMessage,
  restoreStore,
} from '@strata/state/inspect'
import { afterEach, describe, expect, it } from 'vitest'
import { eventStore, history, type TodoState, tick, todoReducer } from './fixtures'

/**
 * Stands in for the extension: records what the bridge calls, keeps the history the way the
 * extension's monitor does (init, one action per send, a lifted state replaces all), and sends
 * messages shaped as its page script hands them to `subscribe` listeners.
 */
function recorder() {
  const calls: [string, ...unknown[]][] = []
  let listener: ((m: ReduxDevtoolsMessage) => void) | undefined
  let states: unknown[] = []
  let ids: number[] = []
  let nextId = 1
  const connection = {
    init(state: unknown) {
      calls.push(['init', state])
      states = [state]
      ids = [0]
      nextId = 1
    },
    send(action: unknown, state: any) {
      calls.push(['send', action, state])
      if (action === null) {
        states = state.computedStates.map((c: { state: unknown }) => c.state)
        ids = [...state.stagedActionIds]
        nextId = state.nextActionId
      } else {
        states.push(state)
        ids.push(nextId++)
      }
    },
    subscribe(fn: (m: ReduxDevtoolsMessage) => void) {
      listener = fn
      return () => (listener = undefined)
    },
    unsubscribe: () => calls.push(['unsubscribe']),
    error: (message: string) => calls.push(['error', message]),
  }
  const source = '@devtools-extension'
  return {
    calls,
    get states() {
      return states
    },
    get ids() {
      return ids
    },
    extension: {
      connect(options: Record<string, unknown>) {
        calls.push(['connect', options])
        return connection
      },
    },
    dispatch(payload: Record<string, unknown>, state?: unknown) {
      listener!({
        type: 'DISPATCH',
        payload,
        id: '1',
        source,
        ...(state === undefined ? {} : { state: JSON.stringify(state) }),
      })
    },
    jumpTo(index: number) {
      this.dispatch({ type: 'JUMP_TO_STATE', index, actionId: ids[index] }, states[index])
    },
    message(m: Omit<ReduxDevtoolsMessage, 'source'>) {
      listener!({ ...m, source })
    },
  }
}

const bridges: { disconnect(): void }[] = []
afterEach(() => {
  for (const b of bridges.splice(0)) b.disconnect()
})
function bridge(store = history(), options: Parameters<typeof connectReduxDevtools>[1] = {}) {
  const rec = recorder()
  const b = connectReduxDevtools(store, { extension: rec.extension, pollMs: 0, ...options })!
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

  it('imports a lifted state from IMPORT_STATE through `load`', () => {
    let target = eventStore()
    const load = (session: any) => {
      target = restoreStore<TodoState>(session, { reducer: todoReducer })
    }
    const { rec } = bridge(history(), { load })
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
    rec.dispatch({ type: 'IMPORT_STATE', nextLiftedState, preloadedState: undefined })
    expect(target.getState()).toEqual({
      todos: [{ id: 'x', text: 'tea', done: false }],
      filter: 'all',
    })
    expect(target.logs.events.map((e) => e.skipped)).toEqual([false, true])
  })

  it('reports IMPORT_STATE without `load` as an error to the extension', () => {
    const { rec } = bridge()
    rec.dispatch({ type: 'IMPORT_STATE', nextLiftedState: [{ type: 'filtered', payload: 'all' }] })
    expect(rec.calls.find((c) => c[0] === 'error')?.[1]).toMatch(/Import: .*`load`/)
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

  it('rolls back and resets through `load`', () => {
    const loaded: any[] = []
    const { store, rec } = bridge(history(), { load: (s) => loaded.push(s) })
    rec.dispatch({ type: 'ROLLBACK', timestamp: 1 }, rec.states[0])
    rec.dispatch({ type: 'RESET', timestamp: 1 })
    expect(loaded.map((s) => [s.initialState, s.events.length])).toEqual([
      [store.logs.states.at(0), 0],
      [store.getInitialState(), 0],
    ])
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

  it('keeps the app on its state while LOCK_CHANGES, recording what happens', async () => {
    const { store, rec } = bridge()
    rec.dispatch({ type: 'LOCK_CHANGES', status: true })
    const before = store.getState()
    store.dispatch({ type: 'filtered', payload: 'all' })
    await tick()
    expect(store.getState()).toEqual(before)
    expect(store.history).toMatchObject({ isLive: false, cursor: 5, length: 6 })
    rec.dispatch({ type: 'LOCK_CHANGES', status: false })
    store.history.toLive()
    expect(store.getState().filter).toBe('all')
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
