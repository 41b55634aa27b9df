import { ActionCreators, instrument } from '@redux-devtools/instrument'
import { connectReduxDevtools } from '@strata/state/inspect'
import { produce } from 'immer'
import { type Action, legacy_createStore } from 'redux'
import { afterEach, describe, expect, it } from 'vitest'
import { eventStore, initialTodos, type TodoEvent, type TodoState, todoReducer } from './fixtures'
import { recorder } from './reduxExtension'

// SWEEP, REORDER_ACTION and IMPORT_STATE as the Redux DevTools extension sends them, each
// checked against @redux-devtools/instrument (the extension's own engine) doing the same.
const events: TodoEvent[] = [
  { type: 'added', payload: { id: 'a', text: 'milk' } },
  { type: 'added', payload: { id: 'b', text: 'bread' } },
  { type: 'toggled', payload: { id: 'a' } },
  { type: 'filtered', payload: 'open' },
]

function reduxTodos(state: TodoState = initialTodos, action: Action<string>): TodoState {
  if (action.type.startsWith('@@')) return state
  return produce(state, (draft) => todoReducer(draft, action as TodoEvent))
}

/** Redux with instrument, after the same events: what the extension would hold. */
function engine() {
  const store = legacy_createStore(reduxTodos, instrument(undefined, { shouldCatchErrors: true }))
  for (const event of events) store.dispatch(event)
  const lifted = () => store.liftedStore.getState()
  return {
    dispatch: (action: Parameters<typeof store.liftedStore.dispatch>[0]) =>
      store.liftedStore.dispatch(action),
    lifted,
    /** Action types in the order instrument now applies them, @@INIT left out. */
    types: () =>
      lifted()
        .stagedActionIds.slice(1)
        .map((id) => lifted().actionsById[id]!.action.type),
    state: (index = lifted().computedStates.length - 1) => lifted().computedStates[index]!.state,
  }
}

const open: { disconnect(): void }[] = []
afterEach(() => {
  for (const b of open.splice(0)) b.disconnect()
})

function bridged(options: Parameters<typeof connectReduxDevtools>[1] = {}) {
  const store = eventStore()
  for (const event of events) store.dispatch(event)
  const rec = recorder()
  open.push(connectReduxDevtools(store, { extension: rec.extension, ...options })!)
  return { store, rec }
}

const types = (store: ReturnType<typeof eventStore>) => store.logs.events.map((e) => e.event.type)

describe('the Redux DevTools bridge rewriting history', () => {
  it('forgets the skipped actions on SWEEP, as instrument does', () => {
    const { store, rec } = bridged()
    const reference = engine()
    rec.dispatch(ActionCreators.toggleAction(2))
    reference.dispatch(ActionCreators.toggleAction(2))
    rec.dispatch(ActionCreators.sweep())
    reference.dispatch(ActionCreators.sweep())

    expect(types(store)).toEqual(reference.types())
    expect(types(store)).toEqual(['added', 'toggled', 'filtered'])
    expect(store.logs.events.every((e) => e.error === undefined)).toBe(true)
    expect(store.logs.events.some((e) => e.skipped)).toBe(false)
    expect(store.getState()).toEqual(reference.state())
    // The extension starts over with the swept history.
    expect(rec.states).toEqual([
      initialTodos,
      ...store.logs.events.map((_, i) => store.logs.states.at(i + 1)),
    ])
    expect(rec.calls.some((c) => c[0] === 'error')).toBe(false)
  })

  it.each([
    ['before an earlier one', 4, 2],
    ['before a later one', 2, 4],
    ['to the end (after the last action)', 2, 99],
    ['to the start (before @@INIT)', 4, 0],
  ])('moves an action %s on REORDER_ACTION, as instrument does', (_, actionId, beforeActionId) => {
    const { store, rec } = bridged()
    const reference = engine()
    rec.dispatch(ActionCreators.reorderAction(actionId, beforeActionId))
    reference.dispatch(ActionCreators.reorderAction(actionId, beforeActionId))
    expect(types(store)).toEqual(reference.types())
    expect(store.getState()).toEqual(reference.state())
    expect(store.logs.events.every((e) => e.error === undefined)).toBe(true)
    expect(rec.calls.some((c) => c[0] === 'error')).toBe(false)
  })

  it('says so when REORDER_ACTION makes a reducer throw, as instrument records the error', () => {
    const { store, rec } = bridged()
    // Toggling "a" before it was added: the reducer throws on that event, which is kept.
    rec.dispatch(ActionCreators.reorderAction(3, 1))
    expect(types(store)).toEqual(['toggled', 'added', 'added', 'filtered'])
    expect(String(store.logs.events[0]!.error)).toContain('No todo a')
    const reference = engine()
    reference.dispatch(ActionCreators.reorderAction(3, 1))
    expect(reference.lifted().computedStates[1]!.error).toContain('No todo a')
  })

  it('imports a file exported by the extension, showing the state it was showing', () => {
    const reference = engine()
    reference.dispatch(ActionCreators.toggleAction(2))
    reference.dispatch(ActionCreators.jumpToState(2))
    const file = JSON.stringify(reference.lifted())
    const { store, rec } = bridged()
    store.dispatch({ type: 'filtered', payload: 'all' })

    rec.importFile(file)
    expect(types(store)).toEqual(reference.types())
    expect(store.logs.events.map((e) => e.skipped)).toEqual([false, true, false, false])
    // currentStateIndex 2: the state after two actions, as the extension showed it.
    expect(store.history.cursor).toBe(2)
    expect(store.history.isLive).toBe(false)
    expect(store.getState()).toEqual(reference.state(2))
    const shown = rec.calls.findLast((c) => c[0] === 'send' && c[1] === null)![2] as {
      currentStateIndex: number
    }
    expect(shown.currentStateIndex).toBe(2)
    store.history.toLive()
    expect(store.getState()).toEqual(reference.state())
  })

  it('imports a file wrapped in { payload, preloadedState } live when it was live', () => {
    const reference = engine()
    const file = JSON.stringify({
      payload: JSON.stringify(reference.lifted()),
      preloadedState: JSON.stringify(initialTodos),
    })
    const { store, rec } = bridged()
    store.history.jumpTo(1)
    rec.importFile(file)
    expect(store.history.isLive).toBe(true)
    expect(store.getState()).toEqual(reference.state())
  })

  it('refuses SWEEP and REORDER_ACTION on a synced store, and tells the extension why', () => {
    const sync = { status: 'idle' as const, subscribe: () => () => {} }
    const { store, rec } = bridged({ sync })
    const before = store.logs.events
    rec.dispatch(ActionCreators.toggleAction(1))
    rec.dispatch(ActionCreators.sweep())
    rec.dispatch(ActionCreators.reorderAction(3, 1))
    const errors = rec.calls.filter((c) => c[0] === 'error').map((c) => c[1])
    expect(errors).toEqual([
      expect.stringMatching(/^Sweep: .*synced store/),
      expect.stringMatching(/^Reorder: .*synced store/),
    ])
    expect(store.logs.events.map((e) => e.id)).toEqual(before.map((e) => e.id))
  })
})
