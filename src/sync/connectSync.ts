import type { AnyEvent, Store } from '@strata/state'
import { uuid } from '../core/ids'
import { internalsOf } from '../core/internals'
import { type PulledEvent, replicaOf } from '../core/replica'
import { POSITION_HEADER } from '../protocol/index'
import { type TabChannel, tabChannel } from './channel'
import { systemClock } from './clock'
import {
  defaultCodec,
  memoryOutboxFor,
  resolveConfig,
  resolveStorage,
  streamOfOption,
} from './config'
import { ConflictState } from './conflicts'
import { type SyncContext, SyncState } from './context'
import { scrubForgotten } from './erasure'
import { SyncError, toSyncError } from './errors'
import { boot, remember } from './history/boot'
import { earlierHistory } from './history/earlier'
import { SettledHistory } from './history/settled'
import { ownClients } from './ids'
import { Outbox } from './outbox'
import { Puller } from './puller'
import { adoptGone, applyResults } from './results'
import { Sender } from './sender'
import { snapshotOf, until } from './snapshot'
import { listenForPokes } from './sse'
import { type LockManagerLike, leaseTabs, soloTabs, webLockTabs } from './tabs'
import { createTransport } from './transport'
import type { ConfirmedBatch, Sync, SyncOptions, SyncRead, SyncSnapshot } from './types'

/** Read-your-writes reads kept for the devtools' sync tab. */
const READS_KEPT = 50

/**
 * Connects a store to an event server: local events go out through a durable outbox in batches,
 * remote events come in and the pending local ones are rebased on top.
 *
 * @example
 * const sync = connectSync(store, { url: '/api', batch: { maxEvents: 50, maxDelayMs: 20 } })
 * await sync.flush()
 * const response = await sync.fetch('/api/views/todos') // includes this client's writes
 */
export function connectSync<E extends AnyEvent>(
  store: Store<any, any, E>,
  options: SyncOptions<NoInfer<E>>,
): Sync {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `[strata] connectSync expects an options object { url | fetch, batch?, persist? }, received ${String(options)}.`,
    )
  }
  const replica = replicaOf(store)
  const config = resolveConfig(options)
  const snapshotName = snapshotOption(options)
  const transport = createTransport(options)
  const clock = options.clock ?? systemClock
  const reads: SyncRead[] = []
  const tabId = uuid()
  const state = new SyncState()
  const abort = new AbortController()
  const confirmListeners = new Set<(batch: ConfirmedBatch) => void>()
  const pullListeners = new Set<(events: readonly PulledEvent[]) => void>()
  const prefix = `strata-sync:${options.persist ? (options.persist.name ?? 'default') : 'default'}`
  let refreshing: Promise<boolean> | undefined
  if (options.concurrency !== undefined && !['optimistic', 'off'].includes(options.concurrency)) {
    throw new TypeError(
      `[strata] connectSync expects \`concurrency\` to be 'optimistic' or 'off', received ${JSON.stringify(options.concurrency)}.`,
    )
  }
  let opened = false

  const ctx: SyncContext = {
    store,
    replica,
    storage: resolveStorage(options, store),
    transport,
    tabs: soloTabs(tabId),
    clientId: '',
    ownClients: new Set(),
    clock,
    random: options.random ?? Math.random,
    codec: (options.codec ?? defaultCodec) as SyncContext['codec'],
    streamOf: streamOfOption(options),
    config,
    state,
    history: undefined as unknown as SettledHistory,
    claimed: new Map(),
    wire: new Map(),
    versions: new Map(),
    floors: new Map(),
    concurrent: () => options.concurrency !== 'off' && replica.decides,
    conflicts: new ConflictState(() => state.changed(), options.onConflict),
    undecided: new Set(),
    pulls: 0,
    pullNow: () => puller.poke(),
    write: (work) => void outbox.enqueue(work),
    onError: options.onError,
    reportedErrors: new Set(),
    adopted: new Set(),
    frozen: (entry) => ctx.claimed.has(entry.id),
    signal: abort.signal,
    logChanged: () => {
      outbox.changed()
      state.changed()
    },
    emitConfirm: (batch) => emit(confirmListeners, batch),
    emitPull: (events) => emit(pullListeners, events),
    broadcast: (message) => channel.post(message),
    refreshAuth(error) {
      const ask = options.onAuthRequired
      if (!ask) return Promise.resolve(false)
      refreshing ??= Promise.resolve()
        .then(() => ask(error))
        .then(
          () => true,
          (cause) => {
            state.report(toSyncError(cause, 'send', 'Refreshing the credential'), clock.now())
            return false
          },
        )
        .finally(() => (refreshing = undefined))
      return refreshing
    },
  }

  ctx.history = new SettledHistory(ctx)
  const sender = new Sender(ctx)
  const puller = new Puller(ctx)
  const earlier = earlierHistory(ctx, snapshotName)
  // Opened once the outbox is: only tabs of the same client (database) talk to each other.
  let channel: TabChannel = { post() {}, close() {} }
  const ready = open()
  const outbox = new Outbox(ctx, ready, () => {
    sender.wake()
    channel.post({ kind: 'claimed' })
  })

  let snapshot: SyncSnapshot | undefined
  const listeners = new Set<() => void>()
  const invalidate = () => {
    snapshot = undefined
    for (const listener of [...listeners]) listener()
  }
  state.subscribe(invalidate)
  const unsubscribeStore = store.subscribe(() => {
    outbox.changed()
    invalidate()
  })
  // Back online: retry now instead of at the end of the backoff (errors stay until resume()).
  const online = () => {
    sender.retryNow()
    puller.retryNow()
  }
  const events = globalThis as Partial<
    Pick<EventTarget, 'addEventListener' | 'removeEventListener'>
  >
  events.addEventListener?.('online', online)

  async function open(): Promise<void> {
    try {
      ctx.clientId = await ctx.storage.open(options.clientId, ctx.history.version)
    } catch (cause) {
      // IndexedDB refused (private mode, quota): keep syncing, without durability.
      state.report(toSyncError(cause, 'storage', 'Opening the outbox database'), clock.now())
      ctx.storage = memoryOutboxFor(store)
      ctx.clientId = await ctx.storage.open(options.clientId, ctx.history.version)
    }
    ctx.ownClients = ownClients(store, ctx.clientId)
    if (abort.signal.aborted) return
    ctx.tabs = chooseTabs(ctx, options.locks, prefix, config.leaseMs)
    if (ctx.storage.durable) {
      channel = tabChannel(`${prefix}:${ctx.clientId}`, (message) => {
        if (message.kind === 'claimed') sender.wake()
        else if (message.kind === 'forgotten') scrubForgotten(ctx).catch(() => {})
        else applyResults(ctx, message.token, message.results)
      })
    }
    // The settled state first (a snapshot), then the outbox on top, then the events after it.
    // The tail's request goes out as soon as the boot knows where its state stands (while it
    // decodes the state and puts the outbox back); its events are applied after. Only adopting a
    // closed tab's events needs this tab's lease: the boot runs while it is taken.
    let restored = () => {}
    const gate = new Promise<void>((resolve) => (restored = resolve))
    let pulling = false
    const pullFrom = (at: string | undefined) => {
      puller.resumeAt(at)
      if (!pulling) void puller.run(gate)
      pulling = true
    }
    await Promise.all([ctx.tabs.ready, boot(ctx, snapshotName, pullFrom)])
    if (abort.signal.aborted) return
    pullFrom(ctx.settledAt)
    replica.setEarlier(earlier)
    await adoptGone(ctx).catch((cause) =>
      state.report(toSyncError(cause, 'storage', 'Restoring the outbox'), clock.now()),
    )
    // Events dispatched before connectSync (or while opening) start their batch now.
    outbox.changed()
    state.changed()
    opened = true
    void sender.run()
    restored()
    if (config.live === 'sse') void listenForPokes(ctx, puller)
  }

  function resume() {
    const hadError = state.error
    state.paused = false
    state.error = undefined
    state.epoch++
    state.retry = undefined
    online()
    if (hadError?.operation === 'storage') outbox.changed()
    state.changed()
  }

  const closedError = () =>
    new SyncError('network', 'send', 'This sync connection is closed; call connectSync again.')

  const sync: Sync = {
    tabId,
    ready,
    get clientId() {
      return ctx.clientId || undefined
    },
    get position() {
      return state.position
    },
    get status() {
      return sync.getSnapshot().status
    },
    getSnapshot: () => (snapshot ??= snapshotOf(ctx, tabId)),
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    conflicts: ctx.conflicts,
    onConfirm: (listener) => subscribeTo(confirmListeners, listener),
    onPull: (listener) => subscribeTo(pullListeners, listener),
    async fetch(input, init) {
      const position = state.position
      const at = clock.now()
      const response = await transport.request(input, init, position)
      const key = input instanceof Request ? input.url : String(input)
      const served = response.headers.get(POSITION_HEADER) ?? undefined
      reads.push({ key, position, served, status: response.status, waitedMs: clock.now() - at, at })
      if (reads.length > READS_KEPT) reads.shift()
      state.changed()
      return response
    },
    reads: () => reads,
    async flush() {
      await ready
      if (abort.signal.aborted) throw closedError()
      // Claimed before this page has the server's events, they could be refused as stale (a
      // round trip lost): the first pull's answer rebases them first (its error: claimed now;
      // paused, it comes after resume(), as the sends would).
      if (ctx.concurrent()) await until(ctx, listeners, () => !!puller.answered)
      const targets = new Set(replica.pending().map((e) => e.id))
      outbox.flushing++
      await outbox.claim()
      const done = () => !replica.pending().some((e) => targets.has(e.id))
      const waiting = until(ctx, listeners, done)
      // Events adopted from a closed tab may have been confirmed to that tab, not this one: a
      // pull settles them from the stream, where the server has them.
      if (!done() && [...targets].some((id) => ctx.adopted.has(id))) {
        void puller.pull()
      }
      return waiting.finally(() => outbox.flushing--)
    },
    async pull() {
      // Asked while opening: the first pull after the boot answers it (one request, not two).
      const pulled = puller.pull()
      await ready
      if (abort.signal.aborted) throw closedError()
      return until(ctx, listeners, () => false, pulled)
    },
    pause() {
      state.paused = true
      puller.poke()
      state.changed()
    },
    resume,
    async close() {
      if (abort.signal.aborted) return
      // As on pagehide: the settled state is kept for the next connect.
      if (opened) {
        await ctx.history.write()
        remember(ctx)
      }
      ctx.history.close()
      if (internalsOf(store).earlier === earlier) replica.setEarlier(undefined)
      abort.abort()
      unsubscribeStore()
      events.removeEventListener?.('online', online)
      channel.close()
      await ready.catch(() => {})
      await outbox.settled()
      await ctx.tabs.close()
      ctx.storage.close()
      state.changed()
    },
  }
  return sync
}

function snapshotOption(options: SyncOptions<any>): string | undefined {
  const name = options.snapshot
  if (name === undefined) return undefined
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(
      `[strata] connectSync expects \`snapshot\` to be the name of a server snapshot (createEventServer({ snapshots: [{ name }] })), received ${JSON.stringify(name)}.`,
    )
  }
  if (options.streams) {
    throw new TypeError(
      '[strata] connectSync cannot boot from a server snapshot (`snapshot`) while pulling only some `streams`: the snapshot folds every stream. Leave one of them out.',
    )
  }
  return name
}

function chooseTabs(
  ctx: SyncContext,
  locks: LockManagerLike | false | undefined,
  prefix: string,
  leaseMs: number,
) {
  const tabId = ctx.tabs.tabId
  if (!ctx.storage.durable) return soloTabs(tabId)
  const manager =
    locks === false
      ? undefined
      : (locks ?? (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks)
  return manager
    ? webLockTabs(manager, prefix, tabId)
    : leaseTabs(ctx.storage, ctx.clock, prefix, tabId, leaseMs)
}

function emit<T>(listeners: Set<(value: T) => void>, value: T) {
  for (const listener of [...listeners]) {
    try {
      listener(value)
    } catch (error) {
      // A listener's bug must not stop syncing; surface it where it cannot be missed.
      queueMicrotask(() => {
        throw error
      })
    }
  }
}

function subscribeTo<T>(set: Set<T>, listener: T): () => void {
  set.add(listener)
  return () => set.delete(listener)
}
