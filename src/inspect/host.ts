import type { Store } from '@strata/state'
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
import { parseSession, type SessionData, toSession } from './session'
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
   * Replaces the store's history with an imported session. The core has no way to do it yet, so
   * without this option `import` answers 'unsupported'.
   */
  load?: (session: SessionData) => void
  /** Writes the session file; pass `@strata/state/testing`'s writer to keep Dates, Maps... */
  exportSession?: (store: Store<any, any, any>) => string
  /** Reads a session file; pass `@strata/state/testing`'s `loadSession` for full checks. */
  parseSession?: (text: string) => SessionData
  /**
   * How often to look for changes the store does not announce (a skip before the cursor, a
   * commit, a rebase that keeps the viewed state). 0 turns it off. Default 250 ms.
   */
  pollMs?: number
}

export interface InspectHost {
  handle<T extends RequestType>(request: Request<T>): ResultOf<T>
  subscribe(listener: (push: Push) => void): () => void
  /** Look for changes now, and push them. */
  refresh(): void
  close(): void
}

type AnyStore = Store<any, any, any>

/** Serves one store to devtools clients: answers requests, pushes what changed. */
export function createInspectHost(store: AnyStore, options: InspectHostOptions = {}): InspectHost {
  const name = options.name ?? 'default'
  const id = Math.random().toString(36).slice(2)
  const listeners = new Set<(push: Push) => void>()
  const ctx = { store, selectors: options.selectors ?? {} }
  let revision = 0
  let logRevision = 0
  let signature = ''
  let logSignature = ''
  let locked: number | undefined
  let scheduled = false

  const sign = () => {
    const { history } = store
    return `${history.cursor}|${history.isLive}|${locked}`
  }
  const signLog = () => {
    const { events, commands } = store.logs
    return `${events.length}|${commands.length}|${store.hot.reports.length}|${events[0]?.id}|${events[events.length - 1]?.id}`
  }
  const meta = (): Meta => ({
    revision,
    logRevision,
    host: id,
    name,
    cursor: store.history.cursor,
    length: store.history.length,
    isLive: store.history.isLive,
    commands: store.logs.commands.length,
    hot: store.hot.reports.map((r) => ({ ...r })),
    locked: locked !== undefined,
    features: {
      import: options.load !== undefined,
      sync: options.sync !== undefined,
      selectors: Object.keys(ctx.selectors),
    },
  })
  const emit = (push: Push) => {
    for (const listener of [...listeners]) listener(push)
    options.transport?.post({ ...envelope(name), kind: 'push', push })
  }
  /**
   * Bump the revisions if anything visible changed, then push the new meta. `logs` forces a log
   * change: a skip or an import keeps every length and id but changes states.
   */
  const check = (logs = false) => {
    const view = sign()
    const log = signLog()
    if (!logs && view === signature && log === logSignature) return
    if (logs || log !== logSignature) logRevision++
    signature = view
    logSignature = log
    revision++
    emit({ type: 'meta', meta: meta() })
  }
  const schedule = () => {
    if (scheduled) return
    scheduled = true
    queueMicrotask(() => {
      scheduled = false
      check()
    })
  }
  /** Run an operation the panel asked for, then push what it changed. */
  const mutate = <T>(run: () => T, logs = true): T => {
    const result = run()
    if (locked !== undefined) locked = store.history.cursor
    // A move only changes the view: push after the app has re-rendered, so a panel showing a
    // million rows never delays the app's own frame.
    if (logs) check(true)
    else schedule()
    return result
  }
  const moved = (run: () => void, logs = false): Meta =>
    mutate(() => {
      run()
      return meta()
    }, logs)

  const handlers: { [T in RequestType]?: (req: Request<T>) => ResultOf<T> } = {
    meta: () => meta(),
    jumpTo: (r) => moved(() => store.history.jumpTo(r.index)),
    step: (r) => moved(() => store.history.step(r.delta)),
    toLive: () => moved(() => store.history.toLive()),
    commit: () => moved(() => store.history.commit(), true),
    toggle: (r) => mutate(() => ({ skipped: store.history.toggle(r.eventId), meta: meta() })),
    lock: (r) =>
      moved(() => {
        locked = r.locked ? store.history.cursor : undefined
      }),
    export: () => {
      const text = options.exportSession
        ? options.exportSession(store)
        : JSON.stringify(toSession(store, name), null, 2)
      const stamp = new Date().toISOString().replace(/[:.]/g, '-')
      return { fileName: `strata-${name}-${stamp}.session.json`, text }
    },
    import: (r) => {
      const session = (options.parseSession ?? parseSession)(r.text)
      if (!options.load) {
        throw new InspectError(
          'unsupported',
          'Importing a session needs the `load` option of the devtools host (the core cannot replace a store’s history yet). Pass `load={(session) => ...}` to <StrataDevtools>, e.g. with restoreStore(session, { reducer }).',
        )
      }
      const load = options.load
      return moved(() => load(session), true)
    },
    dispatch: (r) => {
      const command = r.command as { type?: unknown } | null
      if (typeof command !== 'object' || command === null || typeof command.type !== 'string') {
        throw new InspectError(
          'bad-request',
          'dispatch needs a command object with a string `type`.',
        )
      }
      return mutate(() => ({ error: toErrorInfo(store.dispatch(r.command).error) }))
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
    try {
      options.transport?.post({ ...reply, ok: true, result: handle(message.request) })
    } catch (error) {
      options.transport?.post({ ...reply, ok: false, error: toErrorInfo(error)! })
    }
  }

  const unsubscribeStore = store.subscribe(() => {
    // Keep a locked view where it was: new events record, the app keeps showing the old state.
    if (locked !== undefined && store.history.isLive && store.history.length !== locked) {
      store.history.jumpTo(locked)
    }
    schedule()
  })
  const unsubscribeSync = options.sync?.subscribe(() =>
    emit({ type: 'sync', sync: handlers.sync!({ type: 'sync' }) }),
  )
  const unlisten = options.transport?.listen(onMessage)
  const poll = options.pollMs === 0 ? undefined : setInterval(() => check(), options.pollMs ?? 250)
  signature = sign()
  logSignature = signLog()
  emit({ type: 'meta', meta: meta() })

  return {
    handle,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    refresh: () => check(),
    close() {
      unsubscribeStore()
      unsubscribeSync?.()
      unlisten?.()
      if (poll) clearInterval(poll)
      listeners.clear()
    },
  }
}
