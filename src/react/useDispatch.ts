import type { Store } from '@strata/state'
import { useContextStore } from './context'
import type { AnyStore } from './types'

/** The provider's `store.dispatch`. It is stable: safe in effect dependency lists. */
export function useDispatch<T extends AnyStore = Store<unknown>>(): T['dispatch'] {
  return useContextStore('useDispatch').dispatch
}
