import type { HistoryApi, Store } from '@strata/state'

/** Any Strata store; hooks take their types from the store they are given. */
export type AnyStore = Store<any, any, any>

/** The state type of a store: what `getState()` returns. */
export type StateOf<T> = T extends { getState(): infer S } ? S : never

/** Returns true when two selections are the same, so the component need not re-render. */
export type EqualityFn<T> = (a: T, b: T) => boolean

/** What `useHistory()` returns: where the view is, and the history operations. */
export type HistoryView = Pick<
  HistoryApi,
  'cursor' | 'length' | 'isLive' | 'jumpTo' | 'step' | 'toLive' | 'toggle' | 'commit'
>

/** What `useUndo()` returns. */
export interface UndoView {
  canUndo: boolean
  canRedo: boolean
  undo(): ReturnType<AnyStore['undo']>
  redo(): ReturnType<AnyStore['redo']>
}
