import type { Store } from '@strata/state'
import { createContext, createElement, type ReactNode, useContext } from 'react'
import type { AnyStore } from './types'

const StoreContext = createContext<AnyStore | null>(null)

export interface StoreProviderProps<T extends AnyStore = AnyStore> {
  store: T
  children?: ReactNode
}

function isStore(value: unknown): value is AnyStore {
  const s = value as AnyStore | null | undefined
  return (
    typeof s?.getState === 'function' &&
    typeof s.subscribe === 'function' &&
    typeof s.dispatch === 'function'
  )
}

/** Makes `store` available to the hooks below it. */
export function StoreProvider<T extends AnyStore>({ store, children }: StoreProviderProps<T>) {
  if (!isStore(store)) {
    throw new TypeError(
      `[strata] <StoreProvider> expects a \`store\` prop made by createStore(), received ${store === null ? 'null' : typeof store}. Pass it as <StoreProvider store={store}>.`,
    )
  }
  return createElement(StoreContext.Provider, { value: store }, children)
}

/** The provider's store, or a teaching error naming the hook that needed it. */
export function useContextStore(hook: string): AnyStore {
  const store = useContext(StoreContext)
  if (store === null) {
    throw new Error(
      `[strata] ${hook}() was called outside <StoreProvider>. Render the component inside ` +
        '<StoreProvider store={store}>, or bind hooks to a store with createStoreHooks(store).',
    )
  }
  return store
}

/**
 * The store of the nearest `<StoreProvider>`. Name its type to get it typed
 * (`useStore<typeof store>()`), or use `createStoreHooks`, which infers it.
 */
export function useStore<T extends AnyStore = Store<unknown>>(): T {
  return useContextStore('useStore') as T
}
