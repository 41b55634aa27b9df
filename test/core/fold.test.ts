import { createStore } from '@strata/state'
import { isDraft } from 'immer'
import { afterEach, describe, expect, it, vi } from 'vitest'

interface State {
  count: number
  items: { id: number; tags: string[] }[]
}
type Ev =
  | { type: 'added'; payload: number }
  | { type: 'pushed'; payload: { id: number; mutate: boolean } }
  | { type: 'failed' }

const initialState: State = { count: 0, items: [] }

describe('the default fold with a Redux-style reducer', () => {
  it('stops handing drafts to a type answered with new states, with the same results', () => {
    const drafts: boolean[] = []
    const reducer = (state: State, event: Ev): State =>
      event.type === 'added'
        ? { ...state, count: state.count + event.payload, items: [...state.items] }
        : state
    const store = createStore({
      initialState,
      reducer: (state: State, event: Ev) => {
        drafts.push(isDraft(state))
        return reducer(state, event)
      },
    })
    const plain = createStore({ initialState, reducer, immer: false })
    for (let i = 1; i <= 5; i++) {
      store.dispatch({ type: 'added', payload: i })
      plain.dispatch({ type: 'added', payload: i })
    }
    // Two events through immer, then the plain state.
    expect(drafts.slice(0, 5)).toEqual([true, true, false, false, false])
    expect(store.getState()).toEqual(plain.getState())
    for (let i = 0; i <= 5; i++) expect(store.logs.states.at(i)).toEqual(plain.logs.states.at(i))
    // As immer would: results are deep-frozen.
    expect(Object.isFrozen(store.getState())).toBe(true)
    expect(Object.isFrozen(store.getState().items)).toBe(true)
  })

  it('keeps drafts for a type the reducer mutates, beside one it answers with new states', () => {
    const reducer = (draft: State, event: Ev) => {
      if (event.type === 'added') return { ...draft, count: draft.count + event.payload }
      if (event.type === 'pushed') draft.items.push({ id: event.payload.id, tags: [] })
    }
    const store = createStore({ initialState, reducer })
    for (let i = 1; i <= 4; i++) {
      store.dispatch({ type: 'added', payload: 1 })
      store.dispatch({ type: 'pushed', payload: { id: i, mutate: true } })
    }
    expect(store.getState().count).toBe(4)
    expect(store.getState().items.map((i) => i.id)).toEqual([1, 2, 3, 4])
    expect(store.logs.events.every((e) => e.error === undefined)).toBe(true)
  })

  it('folds with immer again when a type it trusted starts to mutate, leaving history intact', () => {
    const reducer = (draft: State, event: Ev) => {
      if (event.type !== 'pushed') return
      if (!event.payload.mutate) return { ...draft, count: draft.count + 1 }
      // A write to the plain state would corrupt the state before it: it must get a draft.
      draft.items.push({ id: event.payload.id, tags: ['x'] })
      draft.items[0]!.tags.push('y')
    }
    const store = createStore({
      initialState: { count: 0, items: [{ id: 0, tags: [] }] },
      reducer,
    })
    for (let i = 1; i <= 3; i++)
      store.dispatch({ type: 'pushed', payload: { id: i, mutate: false } })
    const before = store.getState()
    const result = store.dispatch({ type: 'pushed', payload: { id: 9, mutate: true } })
    expect(result.error).toBeUndefined()
    expect(before).toEqual({ count: 3, items: [{ id: 0, tags: [] }] })
    expect(store.logs.states.at(3)).toEqual(before)
    expect(store.getState()).toEqual({
      count: 3,
      items: [
        { id: 0, tags: ['y'] },
        { id: 9, tags: ['x'] },
      ],
    })
  })

  it('records a reducer error once the plain path is taken, and keeps the state', () => {
    const reducer = (state: State, event: Ev): State => {
      if (event.type === 'failed') throw new Error('bad event')
      return { ...state, count: state.count + 1 }
    }
    const store = createStore({ initialState, reducer })
    store.dispatch({ type: 'added', payload: 1 })
    store.dispatch({ type: 'added', payload: 1 })
    store.dispatch({ type: 'added', payload: 1 })
    const result = store.dispatch({ type: 'failed' })
    expect((result.error as Error).message).toBe('bad event')
    expect(store.getState().count).toBe(3)
    store.dispatch({ type: 'added', payload: 1 })
    expect(store.getState().count).toBe(4)
  })

  it('starts over after a hot reload: the new reducer may mutate the same type', () => {
    const store = createStore({
      initialState,
      reducer: (state: State, _event: Ev): State => ({ ...state, count: state.count + 1 }),
    })
    for (let i = 0; i < 4; i++) store.dispatch({ type: 'added', payload: 1 })
    store.hot.replaceReducer((draft, event) => {
      if (event.type === 'added') draft.count += 10
    })
    expect(store.getState().count).toBe(40)
  })

  it('warns once in development when a trusted type writes to the state, naming the fix', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    type Renamed = { type: 'renamed'; payload: { name: string; mutate: boolean } }
    const reducer = (draft: { name: string }, event: Renamed) => {
      if (!event.payload.mutate) return { ...draft, name: event.payload.name }
      draft.name = event.payload.name
    }
    const store = createStore({ initialState: { name: '' }, reducer })
    const rename = (name: string, mutate: boolean) =>
      store.dispatch({ type: 'renamed', payload: { name, mutate } })
    for (const name of ['a', 'b', 'c']) rename(name, false)
    expect(rename('d', true).error).toBeUndefined()
    for (const name of ['e', 'f', 'g']) rename(name, false)
    rename('h', true)
    expect(store.getState().name).toBe('h')
    const mine = warn.mock.calls.filter(([m]) => String(m).includes('"renamed" event'))
    expect(mine).toHaveLength(1)
    expect(String(mine[0]![0])).toMatch(
      /^\[strata\] The reducer wrote to the state .*pass `immer: true`/,
    )
    warn.mockRestore()
  })

  it('always drafts with immer: true', () => {
    const drafts: boolean[] = []
    const store = createStore({
      initialState,
      immer: true,
      reducer: (state: State, _event: Ev): State => {
        drafts.push(isDraft(state))
        return { ...state, count: state.count + 1 }
      },
    })
    for (let i = 0; i < 4; i++) store.dispatch({ type: 'added', payload: 1 })
    expect(drafts).toEqual([true, true, true, true])
  })

  describe('in production', () => {
    const env = process.env.NODE_ENV
    afterEach(() => {
      process.env.NODE_ENV = env
    })

    it('hands the plain state over without freezing it, with the same states', () => {
      process.env.NODE_ENV = 'production'
      const reducer = (state: State, event: Ev): State =>
        event.type === 'added'
          ? { ...state, items: [...state.items, { id: event.payload, tags: [] }] }
          : state
      const store = createStore({ initialState, reducer })
      const plain = createStore({ initialState, reducer, immer: false })
      for (let i = 0; i < 4; i++) {
        store.dispatch({ type: 'added', payload: i })
        plain.dispatch({ type: 'added', payload: i })
      }
      expect(store.getState()).toEqual(plain.getState())
      expect(Object.isFrozen(store.getState().items)).toBe(false)
    })
  })
})
