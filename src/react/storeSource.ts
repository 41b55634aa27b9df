import { useSyncExternalStore } from 'react'
import type { AnyStore } from './types'

/** What a hook reads of a store: a subscription and a snapshot that is stable between changes. */
export interface StoreSource<T> {
  subscribe(onChange: () => void): () => void
  get(): T
}

/** The sources of one kind, one per store. */
export type SourcesOf<T> = WeakMap<AnyStore, StoreSource<T>>

/**
 * Reads the store's source of this kind, made on first use and shared by every component that
 * reads it, so each keeps one subscription and one cached snapshot however many components render.
 */
export function useSharedSource<T>(
  store: AnyStore,
  sources: SourcesOf<T>,
  make: (store: AnyStore) => StoreSource<T>,
): T {
  let source = sources.get(store)
  if (!source) {
    source = make(store)
    sources.set(store, source)
  }
  return useSyncExternalStore(source.subscribe, source.get, source.get)
}
