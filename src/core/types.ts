import type { Draft } from 'immer'

/** Anything with a string `type`: a Redux action, a `{ type, payload }` command or event. */
export interface AnyEvent {
  readonly type: string
}

/** The non-deterministic inputs a command handler may use; their results are recorded. */
export interface CommandContext {
  now(): number
  random(): number
  uuid(): string
}

/** What `ctx` returned while a command ran, in call order, so a re-run sees the same values. */
export interface RecordedCtx {
  now?: number[]
  random?: number[]
  uuid?: string[]
}

/** immer-style: mutate the draft, or return the next state. */
export type Reducer<S, E extends AnyEvent = AnyEvent> = (
  draft: Draft<S>,
  event: E,
) => S | Draft<S> | void | undefined

/** A decider: reads the state, returns the events a command makes, or throws to reject it. */
export type CommandHandler<S, P = any, E extends AnyEvent = AnyEvent> = (
  state: S,
  payload: P,
  ctx: CommandContext,
) => E | readonly E[] | void | undefined

/** Command handlers by command type; each returns events of the store's event union `E`. */
export type CommandMap<S, E extends AnyEvent = AnyEvent> = {
  [type: string]: CommandHandler<S, any, E>
}

type PayloadOf<H> = H extends (state: any, payload: infer P, ...rest: any[]) => any ? P : never

/** The command objects a command map accepts: `{ type: K, payload }` for each handler K. */
export type CommandOf<C> = {
  [K in keyof C & string]: unknown extends PayloadOf<C[K]>
    ? { type: K; payload?: unknown }
    : undefined extends PayloadOf<C[K]>
      ? { type: K; payload?: PayloadOf<C[K]> }
      : { type: K; payload: PayloadOf<C[K]> }
}[keyof C & string]

type PayloadField<T> = T extends { readonly payload: infer P }
  ? P
  : AnyEvent extends T
    ? unknown
    : undefined

/** One entry of the event log. The reducer sees `event`; the rest is the store's metadata. */
export type EventEntry<E extends AnyEvent = AnyEvent> = E extends AnyEvent
  ? {
      /** Stable id, made once and kept through rebase and hot reload. */
      readonly id: string
      readonly type: E['type']
      readonly payload: PayloadField<E>
      /** The event exactly as dispatched or returned by a handler. */
      readonly event: E
      readonly at: number
      /** The command that made it; undefined for events that came from elsewhere (sync). */
      readonly commandId: string | undefined
      /** What the reducer threw on this event, if it did; the state was left as it was. */
      readonly error: unknown
      readonly skipped: boolean
      /** Why the server refused this event, if it did; a rejected event is not applied. */
      readonly rejected: unknown
      readonly origin: 'local' | 'remote'
      /** Server position token, once a server has stored it. */
      readonly position: string | undefined
    }
  : never

/** One entry of the command log. */
export interface CommandEntry<C extends AnyEvent = AnyEvent> {
  readonly id: string
  readonly type: C['type']
  readonly payload: PayloadField<C>
  /** The command exactly as dispatched. */
  readonly command: C
  readonly at: number
  /** The values `ctx` returned while the handler ran; undefined when it used none. */
  readonly ctx: RecordedCtx | undefined
  readonly eventIds: readonly string[]
  /** Why the command was rejected (handler threw, unknown type, bad output), if it was. */
  readonly error: unknown
}

export interface DispatchResult<C extends AnyEvent = AnyEvent, E extends AnyEvent = AnyEvent> {
  command: CommandEntry<C>
  events: readonly EventEntry<E>[]
  /** The rejection, or the first reducer error; undefined when all went well. */
  error: unknown
}

export type Listener<S> = (state: S, prevState: S) => void

export interface StateLogView<S> {
  /**
   * The state after the first `i` events of the history; `at(history.start)` is the base state.
   * Indexes before `history.start` are not loaded: `history.loadEarlier()` pages them in.
   */
  at(index: number): S
  /** `history.length + 1`: states are numbered 0 to `history.length`. */
  readonly length: number
}

export interface Logs<S, C extends AnyEvent, E extends AnyEvent> {
  readonly commands: readonly CommandEntry<C>[]
  /** The events in memory: `events[k]` is event `history.start + k` of the history. */
  readonly events: readonly EventEntry<E>[]
  readonly states: StateLogView<S>
  /** Grows on every change of the logs, including ones that keep the viewed state. */
  readonly version: number
  /** Told after every change of the logs (append, skip, commit, rebase, hot reload, load). */
  subscribe(listener: () => void): () => void
}

/** An event entry to load, as `logs.events` or a session file holds it. */
export interface LoadedEvent {
  id?: string
  event: AnyEvent & { readonly [field: string]: unknown }
  at?: number
  commandId?: string | undefined
  skipped?: boolean
  rejected?: unknown
  origin?: 'local' | 'remote'
  position?: string | undefined
}

export interface LoadedCommand {
  id: string
  command: AnyEvent & { readonly [field: string]: unknown }
  at?: number
  ctx?: RecordedCtx | undefined
  eventIds?: readonly string[]
  error?: unknown
}

export interface LoadData<S> {
  /** The base state; the current base when omitted. */
  initialState?: S
  events: readonly LoadedEvent[]
  commands?: readonly LoadedCommand[]
}

export interface HistoryApi<S = any> {
  /** Index of the viewed state: the number of events applied to it. */
  readonly cursor: number
  /** Number of events in the history, those not in memory included. */
  readonly length: number
  /**
   * Index of the first event in memory: events before it are folded into the base state and
   * paged in by `loadEarlier`. 0 when every event is in memory.
   */
  readonly start: number
  /**
   * Pages up to `count` earlier events into memory (from IndexedDB or the server, with sync),
   * extending the window down; resolves with how many it loaded (0 when there are none).
   */
  loadEarlier(count?: number): Promise<number>
  readonly isLive: boolean
  jumpTo(index: number): void
  step(delta: number): void
  toLive(): void
  /**
   * Skip or un-skip one event in memory; everything after it is recomputed. Returns the new
   * `skipped`. A RangeError for an event before the window: use `toggleEarlier`.
   */
  toggle(eventId: string): boolean
  /**
   * `toggle` for any event of the history. One in memory is toggled before this returns. One
   * before the window (a synced store) is not paged in: the sync client folds the history again
   * from far enough back, a page at a time and yielding to the page, skipping it (or no longer),
   * and the window's states are folded again from the new base; the event is kept aside, so
   * that this can un-skip it, and memory stays the window's. That takes a fold of the history
   * from before the event, so it grows with how far back the event is. Rejects with a
   * RangeError when no event has the id (the history stays as it was).
   */
  toggleEarlier(eventId: string): Promise<boolean>
  /** Fold every event up to the cursor into the base state (Redux DevTools' COMMIT; the events
   * after the cursor are kept, where Redux DevTools drops them). */
  commit(): void
  /** Replace the logs (an imported session); the states are recomputed. */
  load(data: LoadData<S>): void
  /** While locked, dispatch records nothing and returns an error (Redux DevTools' LOCK_CHANGES). */
  lock(locked?: boolean): void
  readonly locked: boolean
}

/** What a hot replacement changed: the first event after which the state differs. */
export interface HotReport {
  kind: 'reducer' | 'commands'
  changed: boolean
  /** Log index of the first event whose resulting state differs from before. */
  firstChangedIndex: number | undefined
  firstChangedEventId: string | undefined
  firstChangedEventType: string | undefined
  /** replaceCommands only: how many events were added, removed or replaced. */
  eventsChanged: number
  /**
   * The base state (the fold of the events before `history.start`, or of those `limit` and
   * `commit` folded) was folded by earlier code and kept as it was: the new code only re-folded
   * the events in memory. `replaceReducer(r, { refold: 'all' })` re-folds from the first event.
   */
  baseFromEarlierCode: boolean
  at: number
}

export interface ReplaceReducerOptions {
  /**
   * 'window' (default) re-folds the events in memory from the base state; 'all' also pages
   * every earlier event through the new reducer, in chunks that yield to the page.
   */
  refold?: 'window' | 'all'
}

export interface HotApi<S, E extends AnyEvent> {
  replaceReducer(reducer: Reducer<S, E>, options?: ReplaceReducerOptions): HotReport
  replaceCommands(commands: CommandMap<S, E>): HotReport
  readonly reports: readonly HotReport[]
  /**
   * The re-fold from the first event that `replaceReducer(r, { refold: 'all' })` started, until
   * it is done; it resolves with its report (also pushed to `reports`).
   */
  readonly refolding: Promise<HotReport> | undefined
}

export interface HistoryOptions {
  /** Keep at most this many events; older ones are folded into the base state. */
  limit?: number
  /**
   * Reducer time, in milliseconds, between state checkpoints. Jumping anywhere replays at most
   * about this much. Default 4.
   */
  checkpointEveryMs?: number
  /**
   * Events a synced store keeps in memory above its base state; older settled events are
   * written to IndexedDB and paged in again by `history.loadEarlier`. Default 10,000. Without
   * sync nothing is settled and every event stays (`limit` bounds such a store).
   */
  window?: number
}

/**
 * How to undo each command type: given the state before the command, its payload and the events
 * it made, the command that undoes it (or undefined: nothing to undo). It is dispatched like any
 * command, so it is recorded, synced, and may be refused; redo inverts the undo the same way.
 */
export type Inverses<S, C> = {
  [K in keyof C & string]?: (
    before: S,
    payload: PayloadOf<C[K]>,
    events: readonly EventEntry[],
  ) => CommandOf<C> | undefined
}

export interface StoreOptions<S, E extends AnyEvent, C> {
  initialState: S
  reducer: Reducer<S, E>
  commands?: C
  /** Makes `undo()` and `redo()` work for these command types (see `Inverses`). */
  inverses?: Inverses<NoInfer<S>, NoInfer<C>>
  history?: HistoryOptions
  /**
   * How the reducer gets the state. By default it gets an immer draft, except for event types it
   * answers with new states (a Redux reducer), which then get the plain state: no proxies to pay
   * for. `true` always drafts (a reducer that both mutates and returns new states for one event
   * type); `false` never does (a plain Redux reducer that must return the next state).
   */
  immer?: boolean
  /**
   * The version of the reducer (change it when a reducer change gives other states). A
   * snapshot folded by another version is never used: the state is re-folded from events.
   */
  version?: string | number
}

export interface Store<S, C extends AnyEvent = AnyEvent, E extends AnyEvent = AnyEvent> {
  dispatch(command: C): DispatchResult<C, E>
  getState(): S
  getInitialState(): S
  subscribe(listener: Listener<S>): () => void
  /** Redux's name for `hot.replaceReducer`. */
  replaceReducer(reducer: Reducer<S, E>): HotReport
  readonly logs: Logs<S, C, E>
  readonly history: HistoryApi<S>
  /**
   * Undoes this store's newest command that has an inverse and can still be undone, by
   * dispatching its inverse; undefined when there is none. Unlike `history.jumpTo`, which only
   * shows the past, this changes the present (and syncs).
   */
  undo(): DispatchResult<C, E> | undefined
  /** Undoes the newest undo; a new command empties what can be redone. */
  redo(): DispatchResult<C, E> | undefined
  readonly canUndo: boolean
  readonly canRedo: boolean
  readonly hot: HotApi<S, E>
}
