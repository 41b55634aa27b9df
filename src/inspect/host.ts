import type { LoadData, Store } from '@strata/state'
import { uuid } from '../core/ids'
import { checkSession, parseSessionText } from '../testing/check'
import { exportSession } from '../testing/export'
import type { Session } from '../testing/format'
import { sessionLogs } from '../testing/logs'
import { InspectError, toErrorInfo } from './errors'
import { readHandlers } from './handlers'
import {
  envelope,
  type InspectMessage,
  isInspectMessage,
  type Meta,
  PROTOCOL_VERSION,
  type Push,
  type Request,
  type RequestType,
  type ResultOf,
} from './protocol'
import { reorderedLogs, sweptLogs } from './rewrite'
import { type SyncInspectable, syncSnapshot } from './sync'
import type { InspectTransport } from './transports'

export interface InspectHostOptions {
  /** Names this store on a shared channel; a client talks to one name. Default 'default'. */
  name?: string
  /** Where requests come from and pushes go; without one, call `handle` directly. */
  transport?: InspectTransport
  sync?: SyncInspectable
  /** Named selectors a panel can bisect by (functions cannot cross a channel). */
  selectors?: Record<string, (state: any) => unknown>
  /**
   * For apps that swap stores on import: called with the imported session instead of loading it
   * into this store (`history.load`), e.g. `(s) => setStore(restoreStore(s, { reducer }))`.
   */
  load?: (session: Session) => void
  /**
   * The text of an exported session. Default plain JSON; `@strata/state/testing`'s
   * `serializeSession` keeps Dates, Maps, Sets and BigInts (the in-page panel uses it).
   */
  serializeSession?: (session: Session) => string
  /**
   * Reads an imported file. Default: plain JSON, checked field by field;
   * `@strata/state/testing`'s `loadSession` also reads what `serializeSession` wrote.
   */
  parseSession?: (text: string) => Session
}

export interface InspectHost {
  /** Answers at once; a `toggle` takes an event in memory only (`request` takes any). */
  handle<T extends RequestType>(request: Request<T>): ResultOf<T>
  /**
   * Answers as a client is answered: as `handle` does, and a `toggle` of an event before the
   * window once earlier history is paged in and the event skipped (`history.toggleEarlier`).
   */
  request<T extends RequestType>(request: Request<T>): Promise<ResultOf<T>>
  /** Imports a session object, as the `import` request does with a file's text. */
  importSession(session: Session): Meta
  subscribe(listener: (push: Push) => void): () => void
  close(): void
}

type AnyStore = Store<any, any, any>

/**
 * Serves one store to devtools clients: answers requests, pushes what changed. The store tells
 * the host of every change (`subscribe` for the viewed state, `logs.subscribe` for the logs);
 * the changes of one task are pushed once, in a microtask, so a burst of dispatches costs one
 * push.
 */
export function createInspectHost(store: AnyStore, options: InspectHostOptions = {}): InspectHost {
  const name = options.name ?? 'default'
  const id = uuid()
  const listeners = new Set<(push: Push) => void>()
  const ctx = { store, selectors: options.selectors ?? {} }
  let revision = 0
  let logRevision = 0
  let scheduled = false
  let closed = false

  const earlier = pageEarlier(store, () => changed(true))
  /** Replacing a synced store's logs would send the new events to the server as its own. */
  const synced = options.sync !== undefined
  const meta = (): Meta => ({
    revision,
    logRevision,
    host: id,
    name,
    cursor: store.history.cursor,
    length: store.history.length,
    start: store.history.start,
    loadingEarlier: earlier.loading,
    isLive: store.history.isLive,
    commands: store.logs.commands.length,
    hot: store.hot.reports.map((r) => ({ ...r })),
    locked: store.history.locked,
    features: {
      import: options.load !== undefined || !synced,
      sync: options.sync !== undefined,
      selectors: Object.keys(ctx.selectors),
    },
  })
  const emit = (push: Push) => {
    for (const listener of [...listeners]) listener(push)
    options.transport?.post({ ...envelope(name), kind: 'push', push })
  }
  const flush = () => {
    scheduled = false
    if (!closed) emit({ type: 'meta', meta: meta() })
  }
  /**
   * Count a change (of the logs, or of the view only) and push the new meta once the current
   * task is done: after the app's own listeners, so a panel showing a million rows never delays
   * the app's frame, and once for a whole burst of dispatches.
   */
  const changed = (logs: boolean) => {
    revision++
    if (logs) logRevision++
    if (scheduled) return
    scheduled = true
    queueMicrotask(flush)
  }
  /** A replacement of the whole history (import, rollback, reset) into this very store. */
  const replaceLogs = (data: LoadData<any>, what: string): Meta => {
    if (synced) {
      throw new InspectError(
        'unsupported',
        `${what} would replace the logs of a synced store, whose sync client would then send the new events to the server as this client's. Pass the \`load\` option to swap in a store of its own, e.g. \`load={(session) => setStore(restoreStore(session, { reducer }))}\`.`,
      )
    }
    store.history.load(data)
    return meta()
  }
  const importSession = (session: Session): Meta => {
    if (!options.load) return replaceLogs(sessionLogs(session), 'Importing a session')
    options.load(session)
    // The app may swap stores or load into this one: either way the panel refetches its rows.
    changed(true)
    return meta()
  }

  const handlers: { [T in RequestType]?: (req: Request<T>) => ResultOf<T> } = {
    meta: () => meta(),
    jumpTo: (r) => {
      if (Number.isInteger(r.index) && r.index >= 0 && r.index < store.history.start) {
        earlier.load(store.history.start - r.index, r.index)
      } else store.history.jumpTo(r.index)
      return meta()
    },
    loadEarlier: (r) => {
      earlier.load(r.count)
      return meta()
    },
    step: (r) => {
      store.history.step(r.delta)
      return meta()
    },
    toLive: () => {
      store.history.toLive()
      return meta()
    },
    commit: () => {
      store.history.commit()
      return meta()
    },
    toggle: (r) => ({ skipped: store.history.toggle(r.eventId), meta: meta() }),
    lock: (r) => {
      store.history.lock(r.locked)
      return meta()
    },
    // Redux DevTools' ROLLBACK: the actions since the last commit are dropped, the base is kept.
    rollback: () => replaceLogs({ events: [], commands: [] }, 'Rollback'),
    // Redux DevTools' RESET: back to the state the store was created with, and no actions.
    reset: () =>
      replaceLogs({ initialState: store.getInitialState(), events: [], commands: [] }, 'Reset'),
    sweep: () => replaceLogs(sweptLogs(store), 'Sweeping the skipped events'),
    reorder: (r) =>
      replaceLogs(reorderedLogs(store, r.eventId, r.beforeEventId), 'Reordering the events'),
    export: () => {
      const session = panelSession(store, name)
      const text = options.serializeSession
        ? options.serializeSession(session)
        : JSON.stringify(session, null, 2)
      const stamp = new Date().toISOString().replace(/[:.]/g, '-')
      return { fileName: `strata-${name}-${stamp}.session.json`, text }
    },
    import: (r) => {
      const session = (options.parseSession ?? parsePlainSession)(r.text)
      return { ...importSession(session), imported: session.events.length }
    },
    dispatch: (r) => {
      const command = r.command as { type?: unknown } | null
      if (typeof command !== 'object' || command === null || typeof command.type !== 'string') {
        throw new InspectError(
          'bad-request',
          'dispatch needs a command object with a string `type`.',
        )
      }
      return { error: toErrorInfo(store.dispatch(r.command).error) }
    },
    sync: () => (options.sync ? syncSnapshot(store, options.sync) : undefined),
    syncPause: () => {
      options.sync?.pause?.()
      return handlers.sync!({ type: 'sync' })
    },
    syncResume: () => {
      options.sync?.resume?.()
      return handlers.sync!({ type: 'sync' })
    },
  }

  function handle<T extends RequestType>(request: Request<T>): ResultOf<T> {
    const own = handlers[request.type] as ((r: Request<T>) => ResultOf<T>) | undefined
    if (own) return own(request)
    const read = readHandlers[request.type] as
      | ((c: typeof ctx, r: Request<T>) => ResultOf<T>)
      | undefined
    if (!read) {
      throw new InspectError(
        'unknown-request',
        `Unknown devtools request ${JSON.stringify(request.type)}.`,
      )
    }
    return read(ctx, request)
  }

  /** `handle`, but a toggle of an event before the window goes to `toggleEarlier`. */
  function answer<T extends RequestType>(request: Request<T>): ResultOf<T> | Promise<ResultOf<T>> {
    if (request.type !== 'toggle') return handle(request)
    const { eventId } = request as Request<'toggle'>
    const { start } = store.history
    if (!start || store.logs.events.some((e) => e.id === eventId)) return handle(request)
    return store.history.toggleEarlier(eventId).then(
      (skipped) => ({ skipped, meta: meta() }) as ResultOf<T>,
      (cause) => {
        // toggleEarlier looked through every event for a RangeError; anything else stopped it.
        throw new InspectError(
          'bad-request',
          `No event with id ${JSON.stringify(eventId)} to skip: ${cause instanceof RangeError ? 'the whole history was looked through and it is not there' : `it is not among the events from ${start} on, and the ${start} before them could not be read (offline, or no earlier history)`}.`,
          { cause },
        )
      },
    )
  }

  const onMessage = (message: InspectMessage) => {
    if (!isInspectMessage(message) || message.kind !== 'request' || message.channel !== name) return
    const reply = {
      ...envelope(name),
      kind: 'response' as const,
      id: message.id,
      client: message.client,
    }
    if (message.version !== PROTOCOL_VERSION) {
      const error = new InspectError(
        'version',
        `This page speaks devtools protocol version ${PROTOCOL_VERSION}; the panel sent version ${message.version}. Use the same @strata/state version on both sides.`,
      )
      options.transport?.post({ ...reply, ok: false, error: toErrorInfo(error)! })
      return
    }
    const ok = (result: unknown) => options.transport?.post({ ...reply, ok: true, result })
    const failed = (error: unknown) =>
      options.transport?.post({ ...reply, ok: false, error: toErrorInfo(error)! })
    try {
      const result = answer(message.request)
      if (result instanceof Promise) result.then(ok, failed)
      else ok(result)
    } catch (error) {
      failed(error)
    }
  }

  const unsubscribeStore = store.subscribe(() => changed(false))
  const unsubscribeLogs = store.logs.subscribe(() => changed(true))
  const unsubscribeSync = options.sync?.subscribe(() =>
    emit({ type: 'sync', sync: handlers.sync!({ type: 'sync' }) }),
  )
  const unlisten = options.transport?.listen(onMessage)
  emit({ type: 'meta', meta: meta() })

  return {
    handle,
    request: async (request) => answer(request),
    importSession,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      closed = true
      unsubscribeStore()
      unsubscribeLogs()
      unsubscribeSync?.()
      unlisten?.()
      listeners.clear()
    },
  }
}

const RETRY_EARLIER_MS = 5000

/**
 * Pages earlier history in for the panel, one `loadEarlier` at a time: a request while one runs
 * raises what is still wanted (scrolling back fast asks once per page, not once per row), and a
 * jump below the window waits for its index to be loaded, then jumps there. When nothing came
 * (offline, closed), requests are ignored for a while: the panel asks again on every change.
 */
function pageEarlier(store: AnyStore, changed: () => void) {
  let wanted = 0
  let target: number | undefined
  let failedAt = Number.NEGATIVE_INFINITY
  const state = { loading: false, load }
  function load(count = 1000, jumpTo?: number) {
    if (Date.now() - failedAt < RETRY_EARLIER_MS) return
    wanted = Math.max(wanted, count)
    target = jumpTo
    if (state.loading) return
    state.loading = true
    changed()
    void run()
  }
  async function run() {
    try {
      while (wanted > 0 && store.history.start > 0) {
        const ask = wanted
        wanted = 0
        const got = await store.history.loadEarlier(ask)
        if (got === 0) {
          failedAt = Date.now()
          break
        }
        if (target !== undefined && target >= store.history.start) {
          store.history.jumpTo(target)
          target = undefined
        }
        // Less than asked came (a page boundary): ask for the rest.
        if (got < ask) wanted = Math.max(wanted, ask - got)
      }
    } catch {
      // The store keeps what it has; the panel shows the rows as not loaded.
      failedAt = Date.now()
    } finally {
      wanted = 0
      target = undefined
      state.loading = false
      changed()
    }
  }
  return state
}

/**
 * The session the panel exports (`@strata/state/testing`'s format). Hashing every state is what
 * lets replay name the exact diverging event; past ~20k events it costs seconds, so long
 * sessions keep checkpoints only.
 */
function panelSession(store: AnyStore, name: string): Session {
  const n = store.logs.events.length
  return exportSession(store, {
    app: name,
    hashes: n <= 20_000,
    checkpointEvery: Math.max(100, Math.ceil(n / 100)),
  })
}

/** A session file written as plain JSON, checked as `loadSession` checks it. */
function parsePlainSession(text: string): Session {
  const raw = parseSessionText(text)
  if (typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'superjson')) {
    throw new InspectError(
      'bad-request',
      "This session holds values plain JSON cannot (Dates, Maps, Sets...): read it with @strata/state/testing's loadSession (the host's `parseSession` option).",
    )
  }
  return checkSession(raw)
}
