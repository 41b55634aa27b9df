import type { MutableCommandEntry, MutableEventEntry } from './entries'
import { fail } from './errors'
import { makeFold } from './fold'
import type { rerunCommand } from './rerun'
import { StateLog } from './stateLog'
import type { CommandMap, HotReport, Inverses, Listener, Reducer } from './types'
import type { UndoStacks } from './undo'

/**
 * The mutable heart of one store, shared by the modules that implement its operations
 * (dispatch, history, hot reload). Users never see it.
 */
export interface Internals<S> {
  reducer: Reducer<S, any>
  handlers: CommandMap<S, any> | undefined
  /** `true` always drafts, `false` never, undefined per event type (see fold.ts). */
  readonly immer: boolean | undefined
  readonly budgetMs: number
  readonly limit: number
  /** `history.window`, as given: the sync client, which alone uses it, checks it. */
  readonly window: number | undefined
  /** `createStore({ version })`: snapshots folded by another version are not used. */
  readonly codeVersion: string | number | undefined
  readonly initialState: S
  commands: MutableCommandEntry[]
  log: StateLog<S>
  /** History index of the log's first event: the events before it are folded into its base. */
  start: number
  /** Where the events before `start` come from (the sync client sets it); none: they are gone. */
  earlier: EarlierHistory | undefined
  /**
   * Skipped events that left memory, by history index (window.ts), kept so they can be
   * un-skipped and put back when paged in. The base then holds their skips; `state` is the fold
   * without them after the first `index` events of the history (what snapshots and pages keep).
   */
  aside?: { index: number; state: S; events: Map<number, MutableEventEntry> } | undefined
  refolding: Promise<HotReport> | undefined
  /** Log index of the viewed state, or undefined while live (the view follows the head). */
  cursor: number | undefined
  view: S
  /** Events at the front of the log the server has decided (pulled in order, or rejected). */
  settled: number
  /** Ids of settled events, made on first pull: a pulled event is never applied twice. */
  settledIds: Set<string> | undefined
  busy: 'reducer' | 'handler' | undefined
  listeners: Listener<S>[]
  /** Told after any change of the logs, even one that keeps the viewed state (devtools, sync). */
  logListeners: (() => void)[]
  version: number
  /** While locked, dispatch records nothing (Redux DevTools' LOCK_CHANGES). */
  locked: boolean
  readonly reports: HotReport[]
  readonly nextId: () => string
  /** The core's one way to re-run a command; reached from here so the sync entry need not
   * bundle a second copy of the handlers' machinery (and of its error classes). */
  readonly rerun: typeof rerunCommand
  /** `createStore({ inverses })`: how to undo each command type (undo.ts). */
  readonly inverses: Inverses<S, any> | undefined
  readonly undo: UndoStacks
}

/** Pages in the events before the window; the sync client implements it. */
export interface EarlierHistory {
  /** Puts up to `count` earlier events into the log (window.ts); resolves with how many. */
  load(count: number | undefined): Promise<number>
  /** Folds every event before `start` with the current reducer: the state at `start` then. */
  refold(): Promise<unknown>
  /**
   * Skips (or, kept aside, un-skips) an event before the window, which is kept aside: resolves
   * with the window's base folded again that way and whether it is skipped now, or undefined
   * when no event before the window has that id (then nothing changed).
   */
  toggle(eventId: string): Promise<[base: unknown, skipped: boolean] | undefined>
}

// A global symbol, so the sync entry (bundled apart from the core) finds the same internals.
const INTERNALS = Symbol.for('strata.internals')

/** The internals behind a store, for the modules of this package that extend it (sync). */
export function internalsOf<S>(store: object): Internals<S> {
  const core = (store as { [INTERNALS]?: Internals<S> } | null)?.[INTERNALS]
  if (!core) fail('Expected a store made by createStore from @strata/state.')
  return core
}

export function register<S>(store: object, core: Internals<S>): void {
  Object.defineProperty(store, INTERNALS, { value: core })
}

export function events<S>(core: Internals<S>): MutableEventEntry[] {
  return core.log.entries as MutableEventEntry[]
}

/** Runs user code with the Redux guard: it may not dispatch, subscribe or read the store. */
export function guarded<S, T>(core: Internals<S>, kind: 'reducer' | 'handler', run: () => T): T {
  core.busy = kind
  try {
    return run()
  } finally {
    core.busy = undefined
  }
}

export function assertNotBusy<S>(core: Internals<S>, what: string): void {
  if (core.busy) {
    fail(
      `You may not ${what} while ${core.busy === 'reducer' ? 'the reducer' : 'a command handler'} runs: ` +
        'it gets the state as its first argument and returns what it decides.',
    )
  }
}

export function newStateLog<S>(
  core: Internals<S>,
  entries: MutableEventEntry[],
  reducer: Reducer<S, any>,
  previous?: StateLog<S>,
  base: S = previous ? previous.base : core.initialState,
): StateLog<S> {
  return new StateLog<S>(
    entries,
    base,
    makeFold(core, reducer),
    core.budgetMs,
    previous?.dropped ?? 0,
    previous?.absoluteCheckpoints() ?? [],
  )
}

/**
 * What changed: `dispatch` (a command was recorded: state listeners always hear it, as Redux's
 * do), `logs` (the logs changed: state listeners hear it if the viewed state moved), `view` (the
 * cursor moved over unchanged logs: only state listeners hear it, and `logs.version` stays).
 */
export type Change = 'dispatch' | 'logs' | 'view'

/**
 * The one way the core announces a change. `logs.version` moves first, then log listeners (sync,
 * devtools) and state listeners hear it, each isolated from the others: one that throws keeps no
 * one else from hearing the change, and its error is thrown after all have heard it. Listeners
 * are those subscribed when the announcement began (Redux's snapshot rule), called without `this`.
 */
export function announce<S>(core: Internals<S>, prev: S, change: Change): void {
  const logListeners = change === 'view' ? [] : core.logListeners
  const listeners = change === 'logs' && core.view === prev ? [] : core.listeners
  if (change !== 'view') core.version++
  const errors: unknown[] = []
  for (let i = 0; i < logListeners.length; i++) {
    const listener = logListeners[i]!
    try {
      listener()
    } catch (error) {
      errors.push(error)
    }
  }
  const state = core.view
  for (let i = 0; i < listeners.length; i++) {
    const listener = listeners[i]!
    try {
      listener(state, prev)
    } catch (error) {
      errors.push(error)
    }
  }
  if (errors.length) {
    throw errors.length === 1
      ? errors[0]
      : new AggregateError(errors, `[strata] ${errors.length} store listeners threw`)
  }
}

/** Recompute the viewed state after the logs changed, then announce it. */
export function refreshView<S>(core: Internals<S>, change: Change = 'logs'): void {
  const prev = core.view
  if (core.cursor !== undefined && core.cursor >= core.log.length) core.cursor = undefined
  core.view = core.cursor === undefined ? core.log.headState : core.log.at(core.cursor)
  announce(core, prev, change)
}

/** The log index of history index `index`; a RangeError says which states are in memory. */
export function logIndex<S>(core: Internals<S>, index: number): number {
  const i = index - core.start
  if (!Number.isInteger(index) || i < 0 || i > core.log.length) {
    throw new RangeError(
      `[strata] No state at index ${index}: use an integer from ${core.start} to ${core.start + core.log.length}${core.start ? ' (loadEarlier() pages in the others)' : ''}.`,
    )
  }
  return i
}

/**
 * Fold the `count` oldest events into the base state; drop the commands wholly folded and
 * return them. Evicted events stay part of the history (`start` counts them, `earlier` pages
 * them in again); otherwise (limit, commit) they are forgotten and the numbering starts anew.
 */
export function foldOldest<S>(
  core: Internals<S>,
  count: number,
  evicted = false,
): MutableCommandEntry[] {
  const list = events(core)
  count = Math.min(count, list.length)
  if (count <= 0) return []
  if (evicted) core.start += count
  else {
    core.start = 0
    core.earlier = undefined
  }
  let lastLocal: string | undefined
  for (let i = count - 1; i >= 0 && lastLocal === undefined; i--) lastLocal = list[i]!.commandId
  core.log.dropOldest(count)
  core.settled = Math.max(0, core.settled - count)
  if (core.cursor !== undefined) {
    // A viewed state that was folded away gives way to the new base.
    if (core.cursor < count) core.view = core.log.at(0)
    core.cursor = Math.max(0, core.cursor - count)
  }
  if (lastLocal === undefined) return []
  const j = core.commands.findIndex((c) => c.id === lastLocal)
  // A command whose events are partly folded stays until its last event is.
  const remove = list[0]?.commandId === lastLocal ? j : j + 1
  // shift() trims in place: limit folds one command per dispatch.
  if (remove === 1) return [core.commands.shift()!]
  return remove > 1 ? core.commands.splice(0, remove) : []
}
