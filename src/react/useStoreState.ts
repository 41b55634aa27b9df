import { useState, useSyncExternalStore } from 'react'
import { useContextStore } from './context'
import type { EqualityFn } from './types'

interface ReadableStore<S> {
  getState(): S
  subscribe(listener: () => void): () => void
}

const NONE = Symbol('none')

/** The last state and selector seen, and what they selected: one per component. */
interface Selection<S, T> {
  state: S | typeof NONE
  selector: unknown
  value: T
}

/**
 * Selects from `store` and re-renders only when the selection changes per `equalityFn`.
 * An equal selection is returned as the previous value, so React sees no change and skips.
 */
export function useSelected<S, T>(
  store: ReadableStore<S>,
  selector: (state: S) => T,
  equalityFn: EqualityFn<T> = Object.is,
): T {
  const [last] = useState<Selection<S, T>>(() => ({
    state: NONE,
    selector: undefined,
    value: undefined as T,
  }))
  const getSnapshot = (): T => {
    const state = store.getState()
    if (last.state === state && last.selector === selector) return last.value
    const next = selector(state)
    const keep = last.state !== NONE && equalityFn(last.value, next)
    last.state = state
    last.selector = selector
    if (!keep) last.value = next
    return last.value
  }
  return useSyncExternalStore(store.subscribe, getSnapshot, getSnapshot)
}

/**
 * A slice of the provider's store state. The component re-renders only when the slice changes
 * (by `Object.is`, or by `equalityFn`). Annotate the selector's parameter, or use
 * `createStoreHooks`, to get the state typed.
 *
 * @example
 * const count = useStoreState((s: State) => s.count)
 */
export function useStoreState<S = unknown, T = S>(
  selector: (state: S) => T,
  equalityFn?: EqualityFn<T>,
): T {
  return useSelected(useContextStore('useStoreState'), selector, equalityFn)
}
