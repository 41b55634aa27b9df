import { createStore, type Store } from '@strata/state'
import type { StateCreator, StoreApi, StoreMutatorIdentifier } from 'zustand/vanilla'

/** A devtools-style action name: a string, or an object with a string `type`. */
export type ActionName = string | { type: string; [key: string | number | symbol]: unknown }

/** The event a `set` is recorded as: the resolved partial (or whole state with `replace`). */
export interface SetEvent<T> {
  type: string
  payload: T | Partial<T>
  replace: boolean
}

/** The Strata store behind a zustand store: its logs, history and hot reload. */
export type StrataOf<T> = Store<T, SetEvent<T>, SetEvent<T>>

export interface TimeTravelOptions {
  /** Event type of a `set` called without a name. Default `'set'`. */
  name?: string
  /** Event type of a state change made around the middleware (persist's hydration). */
  externalName?: string
}

type Write<T, U> = Omit<T, keyof U> & U
type Cast<T, U> = T extends U ? T : U
// The first two parameters of a setState overload, as zustand's devtools types take them.
type TakeTwo<T> = T extends { length: 0 | 1 | 2 }
  ? Cast<T, unknown[]>
  : T extends [infer A0, (infer A1)?, ...unknown[]]
    ? [A0, A1?]
    : never

type StoreTimeTravel<S> = S extends {
  getState: () => infer T
  setState: {
    (...args: infer Sa1): infer Sr1
    (...args: infer Sa2): infer Sr2
  }
}
  ? {
      setState(...args: [...args: TakeTwo<Sa1>, name?: ActionName]): Sr1
      setState(...args: [...args: TakeTwo<Sa2>, name?: ActionName]): Sr2
      strata: StrataOf<T>
    }
  : never

declare module 'zustand/vanilla' {
  interface StoreMutators<S, A> {
    'strata/timeTravel': Write<S, StoreTimeTravel<S>>
  }
}

type TimeTravel = <
  T,
  Mps extends [StoreMutatorIdentifier, unknown][] = [],
  Mcs extends [StoreMutatorIdentifier, unknown][] = [],
  U = T,
>(
  initializer: StateCreator<T, [...Mps, ['strata/timeTravel', never]], Mcs, U>,
  options?: TimeTravelOptions,
) => StateCreator<T, Mps, [['strata/timeTravel', never], ...Mcs], U>

type LooseSet = (partial: unknown, replace?: boolean, name?: ActionName) => void

// zustand's merge rule: objects merge unless `replace`; anything else replaces.
function applySet(state: any, event: SetEvent<any>) {
  const { payload } = event
  if (event.replace || typeof payload !== 'object' || payload === null) return payload
  return { ...state, ...payload }
}

const timeTravelImpl =
  (initializer: StateCreator<any, [], []>, options: TimeTravelOptions = {}) =>
  (outerSet: LooseSet, get: () => any, api: StoreApi<any>) => {
    const { name: defaultName = 'set', externalName = 'external' } = options
    let strata: StrataOf<any> | undefined
    let mirroring = false
    let lastName: ActionName | undefined

    const record: LooseSet = (partial, replace, name) => {
      // Sets made while the initializer runs are part of the initial state.
      if (!strata) return outerSet(partial, replace, name)
      // A set applies at the head, even while the view is in the past.
      const head = strata.logs.states.at(strata.history.length)
      const next = typeof partial === 'function' ? partial(head) : partial
      if (Object.is(next, head)) return
      const type = typeof name === 'object' ? name.type : (name ?? defaultName)
      lastName = name ?? type
      try {
        strata.dispatch({ type, payload: next, replace: replace === true })
      } finally {
        lastName = undefined
      }
    }

    api.setState = record as StoreApi<any>['setState']
    const initialState = initializer(record as StoreApi<any>['setState'], get, api)
    const store = createStore({ initialState, reducer: applySet, immer: false })
    strata = store

    // Strata's view (head or time travel) is the zustand state: copy it over when it moves.
    store.subscribe((state) => {
      if (Object.is(state, api.getState())) return
      mirroring = true
      try {
        outerSet(state, true, lastName ?? 'strata/history')
      } finally {
        mirroring = false
      }
    })
    // A write that bypassed `record` (an outer middleware's own set) is recorded as well.
    api.subscribe((state) => {
      if (!mirroring && !Object.is(state, store.getState())) record(state, true, externalName)
    })
    Object.assign(api, { strata: store })
    return initialState
  }

/**
 * Time travel for an existing zustand store. Each `set(partial, replace, name)` is recorded as
 * an event of type `name` (default `'set'`), with function partials resolved at set time, so the
 * log replays exactly. The store gets `.strata`: its logs, `history.jumpTo` and the rest, which
 * move the zustand state (and the components that read it).
 *
 * @example
 * const useCounter = create<Counter>()(timeTravel((set) => ({
 *   count: 0,
 *   inc: () => set((s) => ({ count: s.count + 1 }), false, 'inc'),
 * })))
 * useCounter.strata.history.jumpTo(0)
 */
export const timeTravel = timeTravelImpl as unknown as TimeTravel
