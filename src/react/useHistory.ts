import { useSyncExternalStore } from 'react'
import { useContextStore } from './context'
import type { AnyStore, HistoryView } from './types'

interface HistorySource {
  subscribe(onChange: () => void): () => void
  getSnapshot(): HistoryView
}

// One source per store, shared by every component that shows its history.
const sources = new WeakMap<AnyStore, HistorySource>()

function historySource(store: AnyStore): HistorySource {
  const { history } = store
  const pings = new Set<() => void>()
  // The core does not notify when an operation moves the cursor or length but leaves the viewed
  // state as it was (commit), so operations made through the hook ping its subscribers too.
  const run =
    <A extends unknown[], R>(operation: (...args: A) => R) =>
    (...args: A): R => {
      const result = operation(...args)
      for (const ping of [...pings]) ping()
      return result
    }
  const actions = {
    jumpTo: run(history.jumpTo),
    step: run(history.step),
    toLive: run(history.toLive),
    toggle: run(history.toggle),
    commit: run(history.commit),
  }
  let view: HistoryView = { cursor: -1, length: -1, isLive: false, ...actions }
  return {
    subscribe(onChange) {
      pings.add(onChange)
      const unsubscribe = store.subscribe(onChange)
      return () => {
        pings.delete(onChange)
        unsubscribe()
      }
    },
    getSnapshot() {
      const { cursor, length, isLive } = history
      if (view.cursor !== cursor || view.length !== length || view.isLive !== isLive) {
        view = { cursor, length, isLive, ...actions }
      }
      return view
    },
  }
}

/**
 * Where the provider's store is in its history (`cursor`, `length`, `isLive`) and the
 * operations to move it, for time-travel UIs. Re-renders only when those three change.
 */
export function useHistory(): HistoryView {
  const store = useContextStore('useHistory')
  return useHistoryOf(store)
}

export function useHistoryOf(store: AnyStore): HistoryView {
  let source = sources.get(store)
  if (!source) {
    source = historySource(store)
    sources.set(store, source)
  }
  return useSyncExternalStore(source.subscribe, source.getSnapshot, source.getSnapshot)
}
