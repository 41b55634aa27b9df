import type { Store } from '@strata/state'

/** Any Strata store; hooks take their types from the store they are given. */
export type AnyStore = Store<any, any, any>

/** The state type of a store: what `getState()` returns. */
export type StateOf<T> = T extends { getState(): infer S } ? S : never

/** Returns true when two selections are the same, so the component need not re-render. */
export type EqualityFn<T> = (a: T, b: T) => boolean

/** What `useHistory()` returns: where the view is, and the history operations. */
export interface HistoryView {
  /** Index of the viewed state: the number of events applied to it. */
  readonly cursor: number
  /** Number of events in the log. */
  readonly length: number
  readonly isLive: boolean
  jumpTo(index: number): void
  step(delta: number): void
  toLive(): void
  /** Skip or un-skip one event; returns the new `skipped`. */
  toggle(eventId: string): boolean
  commit(): void
}
