import { freeze, nothing, produce } from 'immer'
import { fail, isDevelopment, warnOnce } from './errors'
import type { Internals } from './internals'
import type { Fold } from './stateLog'
import type { AnyEvent, Reducer } from './types'

/** Events of one type answered with a new state in a row before the draft is skipped. */
const RETURNS_BEFORE_PLAIN = 2

/**
 * The fold the state log runs: the reducer inside immer's `produce` (`immer: true`), the plain
 * reducer (`immer: false`), or, by default, whichever fits each event type.
 *
 * A Redux-style reducer (`return { ...state, x }`) works under immer, but spreading a draft reads
 * every key through a proxy and immer must then search the new object for drafts: 40x slower than
 * the same reducer on the plain state. So by default, once the reducer has answered events of a
 * type with a new state twice in a row, events of that type get the plain state. If it then
 * returns nothing, the event is folded again with immer and the type goes back to drafts.
 *
 * A reducer that returns new states for a type and later writes to the state for the same type
 * would write into history. Development catches it, as Redux Toolkit's invariant checks do: there
 * the plain state is deep-frozen, so the write throws, the event is folded with immer instead and
 * a warning names the type and the fix (`immer: true`). Production trusts the reducer, and pays
 * neither the freezing nor V8's slower copies of frozen arrays.
 */
export function makeFold<S>(core: Internals<S>, reducer: Reducer<S, any>): Fold<S> {
  // The guard is inlined rather than `guarded(...)`: this runs once per event.
  if (core.immer === false) return plainFold(core, reducer as (s: S, e: AnyEvent) => S)
  const adapt = core.immer === undefined
  const dev = isDevelopment()
  const returns = new Map<string, number>()
  const drafted = (state: S, event: AnyEvent): S => {
    let replaced = false
    const next = produce(state, (draft) => {
      const result = reducer(draft, event)
      replaced = result !== undefined && result !== draft && result !== (nothing as unknown)
      return result as any
    }) as S
    if (adapt) returns.set(event.type, replaced ? (returns.get(event.type) ?? 0) + 1 : 0)
    return next
  }
  const plain = (state: S, event: AnyEvent): S | undefined => {
    let next: S | undefined
    try {
      next = reducer((dev ? freeze(state, true) : state) as never, event) as S | undefined
    } catch (error) {
      // A write to the frozen state (development), or the reducer's own error: immer tells.
      if (dev && error instanceof TypeError) {
        warnOnce(
          `The reducer wrote to the state of a ${JSON.stringify(event.type)} event after it had returned new states for that type, which only development catches: return a new state every time, or pass \`immer: true\`.`,
        )
      }
      return undefined
    }
    if (next === undefined || next === (nothing as unknown)) return undefined
    return dev ? freeze(next, true) : next
  }
  return (state, event) => {
    core.busy = 'reducer'
    try {
      if (adapt && (returns.get(event.type) ?? 0) >= RETURNS_BEFORE_PLAIN) {
        const next = plain(state, event)
        if (next !== undefined) return next
        returns.set(event.type, 0)
      }
      return drafted(state, event)
    } finally {
      core.busy = undefined
    }
  }
}

function plainFold<S>(core: Internals<S>, reducer: (s: S, e: AnyEvent) => S): Fold<S> {
  return (state, event) => {
    core.busy = 'reducer'
    let next: S
    try {
      next = reducer(state, event)
    } finally {
      core.busy = undefined
    }
    if (next === undefined) {
      fail(
        `The reducer returned undefined for event ${JSON.stringify(event.type)}. With immer: false it must return the next state.`,
      )
    }
    return next
  }
}
