import { useContextStore } from './context'
import { type SourcesOf, type StoreSource, useSharedSource } from './storeSource'
import type { AnyStore, UndoView } from './types'

function undoSource(store: AnyStore): StoreSource<UndoView> {
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

const sources: SourcesOf<UndoView> = new WeakMap()

/** `useUndo` of a given store (for `createStoreHooks`). */
export function useUndoOf(store: AnyStore): UndoView {
  return useSharedSource(store, sources, undoSource)
}
