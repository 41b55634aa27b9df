import type { Store } from '@strata/state'
import { createInspectHost, type InspectHost, type InspectHostOptions } from './host'
import { type LiftedState, liftedWindow, sessionFromLifted } from './reduxLifted'
import { findNear } from './search'

/** What `window.__REDUX_DEVTOOLS_EXTENSION__.connect(options)` returns. */
export interface ReduxDevtoolsConnection {
  init(state: unknown, liftedState?: unknown): void
  send(action: unknown, state: unknown): void
  subscribe(listener: (message: ReduxDevtoolsMessage) => void): (() => void) | undefined
  unsubscribe(): void
  error(message: string): void
}

export interface ReduxDevtoolsExtension {
  connect(options: Record<string, unknown>): ReduxDevtoolsConnection
}

/** A message from the extension, as its page script hands it to `subscribe` listeners. */
export interface ReduxDevtoolsMessage {
  type: string
  payload?: any
  /** JSON text: the state to show (JUMP_*, ROLLBACK) or the lifted state (TOGGLE_ACTION). */
  state?: string
  id?: string | number
  source?: string
}

export interface ReduxDevtoolsOptions extends Omit<InspectHostOptions, 'transport'> {
  /** How many recent events the extension shows. Default 50, as the extension's own. */
  maxAge?: number
  /** Defaults to `window.__REDUX_DEVTOOLS_EXTENSION__`. */
  extension?: ReduxDevtoolsExtension
  /** More `connect` options (actionSanitizer, trace...), passed through. */
  connectOptions?: Record<string, unknown>
}

export interface ReduxDevtoolsBridge {
  readonly host: InspectHost
  disconnect(): void
}

const FEATURES = {
  pause: true,
  lock: true,
  persist: false,
  export: true,
  import: 'custom',
  jump: true,
  skip: true,
  reorder: true,
  dispatch: true,
  test: false,
}

/**
 * Shows the store in the Redux DevTools extension: its events as actions with their states, and
 * the extension's time travel, skip, import, commit and pause acting on the store. A view of the
 * devtools protocol like the panel: every operation is a protocol request to an inspect host.
 * Returns undefined when the extension is not installed.
 */
export function connectReduxDevtools(
  store: Store<any, any, any>,
  options: ReduxDevtoolsOptions = {},
): ReduxDevtoolsBridge | undefined {
  const { maxAge = 50, extension: given, connectOptions, ...hostOptions } = options
  const extension =
    given ??
    (globalThis as { __REDUX_DEVTOOLS_EXTENSION__?: ReduxDevtoolsExtension })
      .__REDUX_DEVTOOLS_EXTENSION__
  if (!extension) return undefined
  const name = options.name ?? 'strata'
  const connection = extension.connect({ name, maxAge, features: FEATURES, ...connectOptions })
  const host = createInspectHost(store, { ...hostOptions, name })
  // Read the logs afresh each time: an import, a rollback or a reset replaces the event array.
  const events = () => store.logs.events
  /** The state after the first `i` events in memory (history indexes start at history.start). */
  const stateAt = (i: number) => store.logs.states.at(store.history.start + i)

  let paused = false
  let ids = new Map<number, string>()
  let base = 0
  let next = 1
  /** The last event the extension has, and its log index: if it moved, the log was rewritten. */
  let last: { id: string; index: number } | undefined
  let shownCursor = 0
  let shownHot = 0

  const remember = (id: number, eventId: string, index: number) => {
    ids.set(id, eventId)
    if (ids.size > maxAge * 2) ids.delete(ids.keys().next().value!)
    last = { id: eventId, index }
  }
  const adopt = (window: ReturnType<typeof liftedWindow>) => {
    ids = new Map()
    for (const [id, eventId] of window.ids) remember(id, eventId, window.base + id - 1)
    if (window.ids.size === 0) last = undefined
    base = window.base
    next = window.lifted.nextActionId
    shownCursor = store.history.cursor
    shownHot = store.hot.reports.length
  }
  const flags = () => ({ isLocked: store.history.locked, isPaused: paused })
  /** Replace what the extension shows with our newest window. */
  const resync = () => {
    const window = liftedWindow(store, maxAge, flags())
    connection.send(null, window.lifted)
    adopt(window)
  }
  /** Start over in the extension: a new initial state, then each event of the window. */
  const restart = () => {
    const window = liftedWindow(store, maxAge, flags())
    const list = events()
    connection.init(stateAt(window.base))
    for (let i = window.base; i < list.length; i++) connection.send(list[i]!.event, stateAt(i + 1))
    adopt(window)
    if (!store.history.isLive) resync()
  }
  const intact = (list: ReturnType<typeof events>) =>
    last === undefined ? list.length >= base : list[last.index]?.id === last.id
  const onChange = () => {
    if (paused) return
    const list = events()
    if (!intact(list) || store.hot.reports.length !== shownHot) return resync()
    const from = last ? last.index + 1 : base
    for (let i = from; i < list.length; i++) {
      connection.send(list[i]!.event, stateAt(i + 1))
      remember(next++, list[i]!.id, i)
    }
    const cursor = store.history.cursor
    if (cursor !== shownCursor && !(store.history.isLive && from < list.length)) resync()
    shownCursor = cursor
  }

  /** The log index of the state after extension action `id` (0: the window's first state). */
  const stateIndexOf = (id: number | undefined, fallback: number | undefined) => {
    if (id === 0) return base
    const eventId = id === undefined ? undefined : ids.get(id)
    const at =
      eventId === undefined ? -1 : findNear(events(), last?.index ?? 0, (e) => e.id === eventId)
    if (at >= 0) return at + 1
    return fallback === undefined ? undefined : base + fallback
  }
  /** The event a reordered action goes before: by id, else the window's start or its end. */
  const beforeOf = (actionId: number): { beforeEventId?: string } => {
    const known = ids.get(actionId)
    if (known !== undefined) return { beforeEventId: known }
    const [first] = ids.keys()
    if (first === undefined || actionId > Math.max(...ids.keys())) return {}
    return { beforeEventId: ids.get(first)! }
  }
  /** Replace the history (in the store, or through the `load` option), then start over. */
  const replace = (what: string, request: () => unknown) => {
    try {
      request()
      restart()
    } catch (error) {
      connection.error(`${what}: ${error instanceof Error ? error.message : String(error)}`)
      resync()
    }
  }

  const onDispatch = (payload: any) => {
    switch (payload?.type) {
      case 'JUMP_TO_STATE':
      case 'JUMP_TO_ACTION': {
        const index = stateIndexOf(payload.actionId, payload.index)
        if (index === undefined) return
        host.handle({
          type: 'jumpTo',
          index: store.history.start + Math.min(index, events().length),
        })
        shownCursor = store.history.cursor
        return
      }
      case 'TOGGLE_ACTION': {
        const eventId = ids.get(payload.id)
        if (eventId === undefined) return resync()
        if (findNear(events(), last?.index ?? 0, (e) => e.id === eventId) >= 0) {
          host.handle({ type: 'toggle', eventId })
          return resync()
        }
        // Its event left memory since the extension got it (recording paused while the window
        // moved): page it back in, then skip it.
        store.history.toggleEarlier(eventId).then(resync, (error) => {
          connection.error(`Skip: ${error instanceof Error ? error.message : String(error)}`)
          resync()
        })
        return
      }
      case 'IMPORT_STATE':
        return replace('Import', () => {
          const { session, cursor } = sessionFromLifted(
            payload.nextLiftedState,
            payload.preloadedState,
            store.getInitialState(),
          )
          host.importSession(session)
          // Show the state the imported history was showing, when it is this store's now.
          if (cursor !== undefined && !hostOptions.load)
            host.handle({ type: 'jumpTo', index: cursor })
        })
      // As instrument: SWEEP forgets the skipped actions, REORDER_ACTION moves an action just
      // before another (to the end or the start of the window when that one is not shown).
      case 'SWEEP':
        return replace('Sweep', () => host.handle({ type: 'sweep' }))
      case 'REORDER_ACTION': {
        const eventId = ids.get(payload.actionId)
        if (eventId === undefined) return resync()
        return replace('Reorder', () =>
          host.handle({ type: 'reorder', eventId, ...beforeOf(payload.beforeActionId) }),
        )
      }
      // As @redux-devtools/instrument: COMMIT makes the viewed state the new starting point
      // (the store keeps the events after it, which instrument drops), ROLLBACK drops the
      // actions since the last commit, RESET goes back to the store's initial state.
      case 'COMMIT':
        return replace('Commit', () => host.handle({ type: 'commit' }))
      case 'ROLLBACK':
        return replace('Rollback', () => host.handle({ type: 'rollback' }))
      case 'RESET':
        return replace('Reset', () => host.handle({ type: 'reset' }))
      case 'PAUSE_RECORDING':
        paused = Boolean(payload.status)
        if (!paused) resync()
        return
      // While locked, the store's dispatch records nothing (the extension shows the lock).
      case 'LOCK_CHANGES':
        host.handle({ type: 'lock', locked: Boolean(payload.status) })
        return resync()
    }
  }
  const onMessage = (message: ReduxDevtoolsMessage) => {
    if (message.type === 'DISPATCH') onDispatch(message.payload)
    else if (message.type === 'START') resync()
    else if (message.type === 'ACTION') {
      try {
        const command =
          typeof message.payload === 'string' ? JSON.parse(message.payload) : message.payload
        const { error } = host.handle({ type: 'dispatch', command })
        if (error) connection.error(error.message)
      } catch (error) {
        connection.error(`Could not dispatch ${String(message.payload)}: ${String(error)}`)
      }
    }
  }

  restart()
  const unsubscribeMessages = connection.subscribe(onMessage)
  const unsubscribeHost = host.subscribe((push) => {
    if (push.type === 'meta') onChange()
  })
  return {
    host,
    disconnect() {
      unsubscribeHost()
      unsubscribeMessages?.()
      connection.unsubscribe()
      host.close()
    },
  }
}

export type { LiftedState }
