import type { ReactElement } from 'react'
import { StoreProvider, type StoreProviderProps, useContextStore } from './context'
import type { AnyStore, EqualityFn, HistoryView, StateOf, UndoView } from './types'
import { useDispatch } from './useDispatch'
import { useHistory, useHistoryOf } from './useHistory'
import { useSelected, useStoreState } from './useStoreState'
import { useUndo, useUndoOf } from './useUndo'

/** The hooks, typed for one store. */
export interface StoreHooks<T extends AnyStore> {
  StoreProvider: (props: StoreProviderProps<T>) => ReactElement
  useStore: () => T
  useStoreState: <U>(selector: (state: StateOf<T>) => U, equalityFn?: EqualityFn<U>) => U
  useDispatch: () => T['dispatch']
  useHistory: () => HistoryView
  useUndo: () => UndoView
}

/**
 * Hooks typed for a store, with no annotations at the call sites.
 *
 * - `createStoreHooks<typeof store>()` reads the store of the nearest `<StoreProvider>`.
 * - `createStoreHooks(store)` reads `store` itself and needs no provider.
 *
 * @example
 * export const { useStoreState, useDispatch } = createStoreHooks(store)
 * const count = useStoreState((s) => s.count) // s is the store's state
 */
export function createStoreHooks<T extends AnyStore>(store?: T): StoreHooks<T> {
  if (store === undefined) {
    return {
      StoreProvider,
      useStore: () => useContextStore('useStore') as T,
      useStoreState,
      useDispatch,
      useHistory,
      useUndo,
    }
  }
  return {
    StoreProvider,
    useStore: () => store,
    useStoreState: (selector, equalityFn) => useSelected(store, selector, equalityFn),
    useDispatch: () => store.dispatch,
    useHistory: () => useHistoryOf(store),
    useUndo: () => useUndoOf(store),
  }
}
