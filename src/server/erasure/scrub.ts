import { type Draft, Immer } from 'immer'
import { StrataWireError } from '../../protocol'
import type { PersonalData } from '../../protocol/personal'

/** What a `forget` hook is told: whose fields to drop, and which fields are personal. */
export interface ForgetContext {
  /** The forgotten subject, as the `personal` declaration's `subject(payload)` named it. */
  subject: string
  /** The tenant it was forgotten in: only this tenant's state (or part of it) is scrubbed. */
  tenant: string
  /** The personal fields of each event type, as `personal` declares them. */
  fields: Readonly<Record<string, readonly string[]>>
}

/**
 * A scrub hook: drops a forgotten subject's personal data from a derived state, so that the
 * state is what folding every event again would give with the subject's fields read as
 * `{ erased: true }`. A recipe as immer's `produce` takes it: mutate the draft, or return the
 * next state. A forget then costs the size of the state, not the length of history; without a
 * hook the state is folded again from the events.
 *
 * @example
 * forget: (draft, { subject }) => {
 *   if (draft.authors[subject] !== undefined) draft.authors[subject] = '(erased)'
 * }
 */
export type ForgetHook<S> = (draft: Draft<S>, context: ForgetContext) => S | void

export function forgetContext(
  personal: PersonalData,
  tenant: string,
  subject: string,
): ForgetContext {
  const fields: Record<string, readonly string[]> = {}
  for (const [type, declared] of Object.entries(personal)) fields[type] = declared.fields
  return { subject, tenant, fields }
}

/** JSON states are handed on to `apply`, which may keep parts of them: nothing frozen. */
const thawed = new Immer({ autoFreeze: false })

/**
 * The state with the hook applied: through immer (`draft`: a draft; frozen as the snapshot
 * runner's own folds are, unless `freeze` is false), or (`'state'`) on the state itself, as a
 * reducer of `immer: false` takes it.
 */
export function scrubState<S>(
  hook: ForgetHook<S>,
  state: S,
  context: ForgetContext,
  how: 'draft' | 'thawed' | 'state',
): S {
  if (how === 'state') {
    const next = hook(state as Draft<S>, context)
    return next === undefined ? state : (next as S)
  }
  const recipe = (draft: Draft<S>) => hook(draft, context) as never
  return how === 'thawed' ? thawed.produce(state, recipe) : new Immer().produce(state, recipe)
}

/**
 * A hook that threw: the forget goes on (the key is deleted, no event is lost) and the state is
 * folded again from the events instead; the error says so, for `onError`.
 */
export function hookFailed(
  kind: 'projection' | 'snapshot' | 'table projection',
  name: string,
  subject: string,
  cause: unknown,
) {
  const instead = kind === 'table projection' ? 'rebuilt' : 'folded again'
  return new StrataWireError(
    'internal',
    `The forget hook of ${kind} ${JSON.stringify(name)} threw while scrubbing subject ${JSON.stringify(subject)}: the subject is forgotten all the same, and this ${kind} is ${instead} from the events instead (slower). Fix the hook so that a forget costs the size of the state.`,
    { cause, details: { [kind === 'table projection' ? 'table' : kind]: name, subject } },
  )
}
