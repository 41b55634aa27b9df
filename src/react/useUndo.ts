import { useSyncExternalStore } from 'react'
import { useContextStore } from './context'
import type { AnyStore, UndoView } from './types'

// One source per store, shared by every component with Undo and Redo buttons.
const sources = new WeakMap<AnyStore, { subscribe(f: () => void): () => void; get(): UndoView }>()

function undoSource(store: AnyStore) {
  const undo = () => store.undo()
  const redo = () => store.redo()
  let view: UndoView = { canUndo: false, canRedo: false, undo, redo }
  return {
    // What can be undone changes with the logs (a dispatch, a rebase, a lost command).
    subscribe: (onChange: () => void) => store.logs.subscribe(onChange),
    get() {
      const { canUndo, canRedo } = store
      if (view.canUndo !== canUndo || view.canRedo !== canRedo)
        view = { canUndo, canRedo, undo, redo }
      return view
    },
  }
}

/**
 * `undo()` and `redo()` of the provider's store (they dispatch inverse commands, see
 * `createStore({ inverses })`), and whether each has something to do.
 */
export function useUndo(): UndoView {
  return useUndoOf(useContextStore('useUndo'))
}

export function useUndoOf(store: AnyStore): UndoView {
  let source = sources.get(store)
  if (!source) {
    source = undoSource(store)
    sources.set(store, source)
  }
  return useSyncExternalStore(source.subscribe, source.get, source.get)
}
