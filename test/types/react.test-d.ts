import { createStore } from '@strata/state'
import {
  createStoreHooks,
  type HistoryView,
  hotStore,
  StoreProvider,
  useDispatch,
  useStore,
  useStoreState,
} from '@strata/state/react'
import { describe, expectTypeOf, it } from 'vitest'

type Ev = { type: 'added'; payload: number } | { type: 'cleared' }
const store = createStore({
  initialState: { count: 0, name: 'a' },
  reducer: (draft, event: Ev) => {
    if (event.type === 'added') draft.count += event.payload
    else draft.count = 0
  },
})
const withCommands = createStore({
  initialState: { count: 0 },
  reducer: (draft, event: Ev) => {
    if (event.type === 'added') draft.count += event.payload
  },
  commands: { add: (_s, payload: number) => ({ type: 'added' as const, payload }) },
})

describe('createStoreHooks', () => {
  it('infers the state and the commands from a store, with no annotations', () => {
    const hooks = createStoreHooks(store)
    const count = hooks.useStoreState((s) => {
      expectTypeOf(s).toEqualTypeOf<{ count: number; name: string }>()
      return s.count
    })
    expectTypeOf(count).toEqualTypeOf<number>()
    const dispatch = hooks.useDispatch()
    dispatch({ type: 'added', payload: 1 })
    // @ts-expect-error: not an event of this store
    dispatch({ type: 'removed' })
    // @ts-expect-error: wrong payload
    dispatch({ type: 'added', payload: 'x' })
    expectTypeOf(hooks.useStore()).toEqualTypeOf<typeof store>()
    expectTypeOf(hooks.useHistory()).toEqualTypeOf<HistoryView>()
  })

  it('types provider-based hooks from the store type', () => {
    const hooks = createStoreHooks<typeof withCommands>()
    const result = hooks.useDispatch()({ type: 'add', payload: 2 })
    expectTypeOf(result.command.type).toEqualTypeOf<'add'>()
    // @ts-expect-error: commands are dispatched, not events
    hooks.useDispatch()({ type: 'added', payload: 2 })
    expectTypeOf(hooks.useStoreState((s) => s.count)).toEqualTypeOf<number>()
    expectTypeOf(hooks.StoreProvider).parameter(0).toHaveProperty('store')
  })
})

describe('the plain hooks', () => {
  it('take the state type from the selector parameter', () => {
    const name = useStoreState((s: { name: string }) => s.name)
    expectTypeOf(name).toEqualTypeOf<string>()
    useStoreState(
      (s: { tags: string[] }) => s.tags,
      (a, b) => {
        expectTypeOf(a).toEqualTypeOf<string[]>()
        return a.length === b.length
      },
    )
  })

  it('take a store type argument for useStore and useDispatch', () => {
    expectTypeOf(useStore<typeof store>().getState().name).toEqualTypeOf<string>()
    const dispatch = useDispatch<typeof store>()
    // @ts-expect-error: not an event of this store
    dispatch({ type: 'nope' })
    // Without one, any command object is accepted.
    useDispatch()({ type: 'anything' })
  })

  it('StoreProvider requires a store', () => {
    // @ts-expect-error: missing store
    StoreProvider({})
    StoreProvider({ store })
  })
})

describe('hotStore', () => {
  it('is typed exactly as createStore', () => {
    const hot = hotStore(undefined)({
      initialState: { count: 0 },
      reducer: (draft, event: Ev) => {
        if (event.type === 'added') draft.count += event.payload
      },
      commands: { add: (_s, payload: number) => ({ type: 'added' as const, payload }) },
    })
    expectTypeOf(hot).toEqualTypeOf<typeof withCommands>()
    hotStore({ data: {} }, { key: 'x', onReport: (r) => expectTypeOf(r.kind).toBeString() })
  })
})
