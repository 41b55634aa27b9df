import type { AnyEvent, Store } from '@strata/state'
import type { Session } from '../testing/format'

/** The history format of Redux DevTools (`@redux-devtools/instrument`'s LiftedState). */
export interface LiftedState {
  actionsById: Record<number, { type: 'PERFORM_ACTION'; action: AnyEvent; timestamp: number }>
  computedStates: { state: unknown; error?: string }[]
  committedState: unknown
  currentStateIndex: number
  nextActionId: number
  skippedActionIds: number[]
  stagedActionIds: number[]
  isLocked: boolean
  isPaused: boolean
}

const INIT = { type: '@@INIT' }

/**
 * The last `maxAge` states of the store as a lifted state: action 0 is the state the window
 * starts from, action k is the event at `base + k - 1`. Returns the ids it gave each event.
 */
export function liftedWindow(
  store: Store<any, any, any>,
  maxAge: number,
  flags: { isLocked: boolean; isPaused: boolean },
) {
  const { events, states } = store.logs
  // Indexes here are into the events in memory; states and the cursor count from history.start.
  const { start } = store.history
  const base = Math.max(0, events.length - (maxAge - 1))
  const initial = states.at(start + base)
  const lifted: LiftedState = {
    actionsById: { 0: { type: 'PERFORM_ACTION', action: INIT, timestamp: Date.now() } },
    computedStates: [{ state: initial }],
    committedState: initial,
    currentStateIndex: 0,
    nextActionId: 1,
    skippedActionIds: [],
    stagedActionIds: [0],
    ...flags,
  }
  const ids = new Map<number, string>()
  for (let i = base; i < events.length; i++) {
    const entry = events[i]!
    const id = i - base + 1
    ids.set(id, entry.id)
    lifted.actionsById[id] = { type: 'PERFORM_ACTION', action: entry.event, timestamp: entry.at }
    const computed: { state: unknown; error?: string } = { state: states.at(start + i + 1) }
    const error = entry.error ?? entry.rejected
    if (error !== undefined) computed.error = error instanceof Error ? error.message : String(error)
    lifted.computedStates.push(computed)
    lifted.stagedActionIds.push(id)
    if (entry.skipped || entry.rejected !== undefined) lifted.skippedActionIds.push(id)
  }
  lifted.nextActionId = events.length - base + 1
  lifted.currentStateIndex = Math.max(
    0,
    Math.min(store.history.cursor - start - base, events.length - base),
  )
  return { lifted, base, ids }
}

type LiftedAction = AnyEvent | { type: 'PERFORM_ACTION'; action: AnyEvent; timestamp?: number }

function unwrap(action: LiftedAction): { event: AnyEvent; at: number | undefined } {
  if (action.type === 'PERFORM_ACTION' && 'action' in action) {
    return { event: action.action, at: action.timestamp }
  }
  return { event: action, at: undefined }
}

/**
 * A Redux DevTools import (IMPORT_STATE's `nextLiftedState`: a lifted state, or a bare array of
 * actions) as a session: action 0 (`@@INIT`) is the initial state, the others become events. It
 * has no checkpoints: the states are recomputed. `cursor` is the state the lifted state was
 * showing (its `currentStateIndex`), undefined for the newest.
 */
export function sessionFromLifted(
  next: Partial<LiftedState> | readonly LiftedAction[],
  preloadedState: unknown,
  fallbackInitial: unknown,
): { session: Session; cursor: number | undefined } {
  const stamp = Date.now().toString(36)
  let initialState = preloadedState !== undefined ? preloadedState : fallbackInitial
  let actions: { id: number; action: LiftedAction }[]
  let skipped = new Set<number>()
  let cursor: number | undefined
  if (Array.isArray(next)) {
    actions = next.map((action, i) => ({ id: i + 1, action }))
  } else {
    const lifted = next as Partial<LiftedState>
    const byId = lifted.actionsById ?? {}
    const staged = lifted.stagedActionIds ?? Object.keys(byId).map(Number)
    initialState = lifted.committedState ?? lifted.computedStates?.[0]?.state ?? initialState
    skipped = new Set(lifted.skippedActionIds ?? [])
    const kept = (id: number) => byId[id] !== undefined && byId[id]!.action.type !== INIT.type
    actions = staged.filter(kept).map((id) => ({ id, action: byId[id]! as LiftedAction }))
    // currentStateIndex counts staged actions, @@INIT included: the state after that many.
    const index = lifted.currentStateIndex
    if (typeof index === 'number' && index >= 0 && index < staged.length - 1) {
      cursor = staged.slice(0, index + 1).filter(kept).length
    }
  }
  const now = Date.now()
  const session: Session = {
    format: 'strata.session',
    version: 1,
    meta: { recordedAt: new Date(now).toISOString(), app: 'redux-devtools import' },
    initialState,
    eventVersions: {},
    commands: [],
    events: actions.map(({ id, action }) => {
      const { event, at } = unwrap(action)
      return {
        id: `rdx${stamp}-${id}`,
        event,
        at: at ?? now,
        ...(skipped.has(id) ? { skipped: true as const } : {}),
      }
    }),
    checkpoints: [],
  }
  return { session, cursor }
}
