import { useContextStore } from './context'
import { type SourcesOf, type StoreSource, useSharedSource } from './storeSource'
import type { AnyStore, HistoryView } from './types'

function historySource(store: AnyStore): StoreSource<HistoryView> {
  const { history } = store
  const actions = {
    jumpTo: history.jumpTo,
    step: history.step,
    toLive: history.toLive,
    toggle: history.toggle,
    commit: history.commit,
  }
  let view: HistoryView = { cursor: -1, length: -1, isLive: false, ...actions }
  return {
    // The cursor moves with the viewed state; the length with the logs (a remote pull while the
    // past is viewed changes the length alone).
    subscribe(onChange) {
      const unsubscribeState = store.subscribe(onChange)
      const unsubscribeLogs = store.logs.subscribe(onChange)
      return () => {
        unsubscribeState()
        unsubscribeLogs()
      }
    },
    get() {
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

const sources: SourcesOf<HistoryView> = new WeakMap()

/** `useHistory` of a given store (for `createStoreHooks`). */
export function useHistoryOf(store: AnyStore): HistoryView {
  return useSharedSource(store, sources, historySource)
}
