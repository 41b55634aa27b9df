import { decide, isEventLike } from './decide'
import { commandEntry, eventEntry, type MutableEventEntry } from './entries'
import { EVENT, expected } from './errors'
import { historyApi } from './history'
import { replaceCommands, replaceReducer } from './hot'
import { ids } from './ids'
import {
  announce,
  assertNotBusy,
  events,
  foldOldest,
  guarded,
  type Internals,
  logIndex,
  newStateLog,
  register,
} from './internals'
import { commandOf, derivedCommands } from './passthrough'
import { rerunCommand } from './rerun'
import type {
  AnyEvent,
  CommandMap,
  CommandOf,
  DispatchResult,
  EventEntry,
  Listener,
  Store,
  StoreOptions,
} from './types'
import { canStep, noteDispatched, undoStep } from './undo'

const DEFAULT_CHECKPOINT_MS = 4

/**
 * Copy on write: a notification in progress keeps iterating its own snapshot. The same function
 * subscribed twice is two subscriptions (Redux's contract): the second gets a wrapper of its own,
 * so each unsubscribe removes exactly its own.
 */
function subscribe<S>(
  core: Internals<S>,
  list: 'listeners' | 'logListeners',
  listener: (...args: any[]) => void,
): () => void {
  if (typeof listener !== 'function') expected('subscribe', 'a listener function', listener)
  assertNotBusy(core, 'subscribe')
  const entry = (core[list] as unknown[]).includes(listener)
    ? (...args: unknown[]) => listener(...args)
    : listener
  let active = true
  core[list] = [...core[list], entry] as never
  return () => {
    if (!active) return
    assertNotBusy(core, 'unsubscribe')
    active = false
    core[list] = (core[list] as unknown[]).filter((l) => l !== entry) as never
  }
}

/** Dispatch while the history is locked: nothing is recorded. */
function lockedResult(command: AnyEvent): DispatchResult {
  const error = new Error(
    '[strata] The store is locked (history.lock): the command was not recorded.',
  )
  return { command: commandEntry('', command, Date.now()), events: [], error } as DispatchResult
}

/** The result of a pass-through dispatch; its command entry is made only if it is read. */
class PassThroughResult {
  readonly events: readonly MutableEventEntry[]
  readonly error: unknown
  constructor(event: MutableEventEntry) {
    this.events = [event]
    this.error = event.error
  }
  get command() {
    return commandOf(this.events[0]!)
  }
}

/**
 * Creates a store that keeps commands, events and states as three layered logs.
 *
 * @example
 * const store = createStore({
 *   initialState: { count: 0 },
 *   reducer: (draft, event: { type: 'added'; payload: number }) => {
 *     draft.count += event.payload
 *   },
 * })
 * store.dispatch({ type: 'added', payload: 2 })
 */
export function createStore<S, E extends AnyEvent, C extends CommandMap<S, E>>(
  options: StoreOptions<S, E, C> & { commands: C },
): Store<S, CommandOf<C>, E>
export function createStore<S, E extends AnyEvent>(
  options: StoreOptions<S, E, undefined>,
): Store<S, E, E>
export function createStore<S, E extends AnyEvent>(
  options: StoreOptions<S, E, CommandMap<S, E> | undefined>,
): Store<S, any, E> {
  if (typeof options !== 'object' || options === null) {
    expected('createStore', 'options { initialState, reducer }', options)
  }
  if (typeof options.reducer !== 'function') {
    expected('createStore', '`reducer` to be a function (draft, event) => void', options.reducer)
  }
  const { commands, history = {} } = options
  if (commands !== undefined && (typeof commands !== 'object' || commands === null)) {
    expected('createStore', '`commands` to be an object of handlers', commands)
  }
  const limit = history.limit ?? Number.POSITIVE_INFINITY
  if (!(limit >= 1)) expected('history.limit', 'a positive number', limit)

  const core = {
    reducer: options.reducer,
    handlers: commands,
    immer: options.immer,
    budgetMs: history.checkpointEveryMs ?? DEFAULT_CHECKPOINT_MS,
    limit,
    window: history.window,
    codeVersion: options.version,
    initialState: options.initialState,
    commands: [],
    start: 0,
    earlier: undefined,
    refolding: undefined,
    cursor: undefined,
    view: options.initialState,
    settled: 0,
    settledIds: undefined,
    busy: undefined,
    listeners: [],
    logListeners: [],
    version: 0,
    locked: false,
    reports: [],
    nextId: ids(),
    rerun: rerunCommand,
    inverses: options.inverses,
    undo: { done: [], undone: [], replaying: false },
  } as unknown as Internals<S>
  core.log = newStateLog(core, [], core.reducer)

  function dispatch(command: AnyEvent): DispatchResult {
    if (!isEventLike(command)) expected('dispatch', `a command: ${EVENT}`, command)
    assertNotBusy(core, 'dispatch')
    if (core.locked) return lockedResult(command)
    if (!core.handlers) return passThrough(command)
    const entry = commandEntry(core.nextId(), command, Date.now())
    const decision = decide(core.handlers, core.log.headState, command, undefined, (run) =>
      guarded(core, 'handler', run),
    )
    entry.ctx = decision.ctx
    entry.error = decision.error
    core.commands.push(entry)
    const made: MutableEventEntry[] = []
    for (const event of decision.events) {
      const e = eventEntry(core.nextId(), event, entry.at, entry.id)
      core.log.push(e)
      made.push(e)
    }
    // Built once at its final size: an array grown by push reserves room for 17.
    entry.eventIds = made.map((e) => e.id)
    let error = decision.error
    for (const e of made) if (error === undefined) error = e.error
    settle()
    const result = { command: entry, events: made, error } as DispatchResult
    noteDispatched(core, result)
    return result
  }

  /** Without handlers the command is its own event: one entry, sharing its id. */
  function passThrough(command: AnyEvent): DispatchResult {
    const id = core.nextId()
    const event = eventEntry(id, command, Date.now(), id)
    core.log.push(event)
    settle()
    return new PassThroughResult(event) as unknown as DispatchResult
  }

  function settle() {
    const prev = core.view
    if (core.log.length > core.limit) foldOldest(core, core.log.length - core.limit)
    if (core.cursor === undefined) core.view = core.log.headState
    announce(core, prev, 'dispatch')
  }

  const store = {
    dispatch,
    getState() {
      assertNotBusy(core, 'call store.getState()')
      return core.view
    },
    getInitialState: () => core.initialState,
    subscribe: (listener: Listener<S>) => subscribe(core, 'listeners', listener),
    replaceReducer: (reducer: any) => replaceReducer(core, reducer),
    logs: {
      get commands() {
        return core.handlers ? core.commands : derivedCommands(core)
      },
      get events() {
        return events(core) as readonly EventEntry[]
      },
      get version() {
        return core.version
      },
      subscribe: (listener: () => void) => subscribe(core, 'logListeners', listener),
      states: {
        at: (index: number) => core.log.at(logIndex(core, index)),
        get length() {
          return core.start + core.log.length + 1
        },
      },
    },
    history: historyApi(core),
    undo: () => undoStep(core, dispatch, 'done'),
    redo: () => undoStep(core, dispatch, 'undone'),
    get canUndo() {
      return canStep(core, 'done')
    },
    get canRedo() {
      return canStep(core, 'undone')
    },
    hot: {
      replaceReducer: (reducer: any, options?: any) => replaceReducer(core, reducer, options),
      replaceCommands: (handlers: any) => replaceCommands(core, handlers),
      reports: core.reports,
      get refolding() {
        return core.refolding
      },
    },
  }
  register(store, core)
  return store as unknown as Store<S, any, E>
}
