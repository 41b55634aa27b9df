import { commandEntry, eventEntry, type MutableEventEntry } from './entries'
import {
  announce,
  type EarlierHistory,
  events,
  type Internals,
  internalsOf,
  newStateLog,
  refreshView,
} from './internals'
import type { AnyEvent, CommandEntry, EventEntry, RecordedCtx, Store } from './types'
import { evict, extend, type Page, unskipped } from './window'

export type { EarlierHistory, Page }

/** An event object as it crosses the wire: a `type` and any other fields. */
export type WireEvent = AnyEvent & { readonly [field: string]: unknown }

/** An event read from the server, in position order. */
export interface PulledEvent {
  id: string
  event: WireEvent
  at: number
  position: string
  commandId?: string | undefined
  /** 'local' for an event this store's own clients stored (read back after a reload). */
  origin?: 'local' | 'remote' | undefined
}

/** The command behind restored events, kept beside them so it can be re-run after a reload. */
export interface RestoredCommand {
  command: WireEvent
  at: number
  ctx?: RecordedCtx | undefined
}

/** A local event that was still unsent when the page closed, read back from a durable outbox. */
export interface RestoredEvent {
  id: string
  event: WireEvent
  at: number
  commandId?: string | undefined
  command?: RestoredCommand | undefined
}

export interface RebaseOptions {
  /** Events already sent (in flight): their commands are never re-run, so what the server may
   * have stored stays what the client has. */
  frozen?: (entry: EventEntry) => boolean
}

/** A pending command that made events before and whose handler throws when re-run now. */
export interface LostCommand<E extends AnyEvent = AnyEvent> {
  command: CommandEntry
  /** What the handler threw on the new state. */
  error: unknown
  /** The events it had made before; none of them is in the log any more. */
  events: readonly EventEntry<E>[]
}

export interface PullResult<E extends AnyEvent = AnyEvent> {
  applied: number
  duplicates: number
  lost: LostCommand<E>[]
}

/**
 * What a sync client needs from a store (exported by `@strata/state/sync`, so apps without sync
 * do not ship it). The log is kept as settled events (decided by the
 * server: pulled in position order, or rejected) followed by pending local ones; remote events
 * and rejections settle events and rebase the pending ones on top, re-running their commands
 * through the handlers when there are handlers (as Replicache re-runs mutators).
 *
 * Cost: the last settled state is kept as a checkpoint, so a rebase folds only the new settled
 * events and the pending ones, and calls each re-run command's handler once. Own events coming
 * back in the order they are pending settle in place: nothing is folded and the state stays.
 */
export interface Replica<E extends AnyEvent = AnyEvent> {
  /** How many events at the front of `logs.events` are settled. */
  readonly settled: number
  /** Whether commands are decided by handlers (and so can be re-run on a new state). */
  readonly decides: boolean
  /** Local events no server has stored yet, in log order: what the outbox sends. */
  pending(): EventEntry<E>[]
  /** Every event after the settled ones: the pending ones and those stored but not yet pulled. */
  unsettled(): readonly EventEntry<E>[]
  /** The recorded command with this id, looked for from the newest (pending ones are recent). */
  command(id: string): CommandEntry | undefined
  /** Whether the log holds an event with this id (settled or not), without scanning it. */
  has(id: string): boolean
  /** The server stored a local event at `position`; it settles when it is pulled. */
  confirm(id: string, position: string): void
  /** `confirm` for a batch, in one pass over the unsettled events. */
  confirmAll(confirmed: readonly { id: string; position: string }[]): void
  /** The server refused a local event for good: settle it as rejected and rebase the rest. */
  reject(id: string, error: unknown, options?: RebaseOptions): LostCommand<E>[]
  /** Settle events read from the server; returns how many were new and how many already known. */
  pull(events: readonly PulledEvent[], options?: RebaseOptions): PullResult<E>
  /** Re-run the pending commands that are not frozen on the current settled state. */
  rebase(options?: RebaseOptions): LostCommand<E>[]
  /** Append local events recovered from a durable outbox, as pending. */
  /**
   * Put back local events recovered from a durable outbox, as pending, before this page's own
   * pending ones: those were decided without them, so their commands are re-run on top (unless
   * frozen). Returns the commands that this loses.
   */
  restore(events: readonly RestoredEvent[], options?: RebaseOptions): LostCommand<E>[]
  /**
   * The state after the settled events (or the first `count` events in memory, all settled), as
   * the server folds them: what a snapshot or a page may keep (no pending event in it, and no
   * skip: an event skipped in the devtools is folded in here).
   */
  settledState(count?: number): unknown
  /**
   * The settled events become `state`, the fold of the first `start` events of the history (a
   * snapshot); the pending events are rebased on top of it.
   */
  reset(base: { state: unknown; start: number }, options?: RebaseOptions): void
  /** Takes up to `count` of the oldest settled events out of memory, as a page to keep. */
  evict(count: number): Page<unknown> | undefined
  /** Puts a page that ends where the window begins back into memory. */
  extend(page: Page<unknown>): void
  /** Where `history.loadEarlier` and `replaceReducer(r, { refold: 'all' })` get earlier events. */
  setEarlier(source: EarlierHistory | undefined): void
  /**
   * These unsettled events are already folded into the base (a snapshot holds them, and the
   * server confirmed them at a position before it): take them out and rebase the rest.
   */
  drop(ids: readonly string[], options?: RebaseOptions): void
}

export function replicaOf<S, E extends AnyEvent>(store: Store<S, any, E>): Replica<E> {
  const core = internalsOf<S>(store)
  const tail = () => events(core).slice(core.settled)
  const byId = (list: readonly MutableEventEntry[]) => new Map(list.map((e) => [e.id, e]))
  const settledIds = () =>
    (core.settledIds ??= new Set(
      events(core)
        .slice(0, core.settled)
        .map((e) => e.id),
    ))
  return {
    get settled() {
      return core.settled
    },
    get decides() {
      return core.handlers !== undefined
    },
    pending: () =>
      tail().filter(
        (e) => e.origin === 'local' && e.position === undefined && e.rejected === undefined,
      ) as unknown as EventEntry<E>[],
    unsettled: () => tail() as unknown as EventEntry<E>[],
    command: (id) => findCommand(core, id),
    has: (id) => settledIds().has(id) || tail().some((e) => e.id === id),
    confirm(id, position) {
      this.confirmAll([{ id, position }])
    },
    confirmAll(confirmed) {
      if (!confirmed.length) return
      const rest = byId(tail())
      let changed = false
      for (const { id, position } of confirmed) {
        const entry = rest.get(id)
        if (entry) {
          entry.position = position
          changed = true
        }
      }
      if (changed) announce(core, core.view, 'logs')
    },
    reject(id, error, options) {
      const rest = tail()
      const entry = rest.find((e) => e.id === id)
      if (!entry) return []
      entry.rejected = error
      return rebase(
        core,
        [entry],
        rest.filter((e) => e !== entry),
        options,
      )
    },
    pull(pulled, options) {
      const list = events(core)
      const seen = settledIds()
      const fresh: PulledEvent[] = []
      for (const p of pulled) {
        if (seen.has(p.id)) continue
        seen.add(p.id)
        fresh.push(p)
      }
      const duplicates = pulled.length - fresh.length
      // Own events in the order they are pending were folded in that order already: settle them
      // where they are. Only what follows the first other event needs a rebase.
      let echoed = 0
      while (echoed < fresh.length && list[core.settled]?.id === fresh[echoed]!.id) {
        list[core.settled++]!.position = fresh[echoed++]!.position
      }
      if (echoed === fresh.length) {
        if (echoed) {
          if (core.settled === list.length) core.log.pin()
          announce(core, core.view, 'logs')
        }
        return { applied: fresh.length, duplicates, lost: [] }
      }
      const rest = tail()
      const own = byId(rest)
      const settling: MutableEventEntry[] = []
      for (let i = echoed; i < fresh.length; i++) {
        const p = fresh[i]!
        const mine = own.get(p.id)
        own.delete(p.id)
        if (mine) mine.position = p.position
        settling.push(
          mine ?? eventEntry(p.id, p.event, p.at, p.commandId, p.origin ?? 'remote', p.position),
        )
      }
      const lost = rebase(
        core,
        settling,
        rest.filter((e) => own.has(e.id)),
        options,
      )
      return { applied: fresh.length, duplicates, lost }
    },
    rebase(options) {
      return rebase(core, [], tail(), options)
    },
    restore(restored, options) {
      const made = new Map<string, string[]>()
      const entries = restored.map((r) => {
        const entry = eventEntry(r.id, r.event, r.at, r.commandId)
        if (!core.handlers || !r.command || r.commandId === undefined) return entry
        let ids = made.get(r.commandId)
        if (!ids && !findCommand(core, r.commandId)) {
          const command = commandEntry(r.commandId, r.command.command, r.command.at)
          command.ctx = r.command.ctx
          command.eventIds = ids = []
          core.commands.push(command)
          made.set(r.commandId, ids)
        }
        ids?.push(r.id)
        return entry
      })
      return rebase(core, [], [...entries, ...tail()], options)
    },
    settledState: (count = core.settled) => unskipped(core, count),
    reset(base, options) {
      const pending = tail()
      const pendingIds = new Set(pending.map((e) => e.commandId))
      core.log = newStateLog(core, [], core.reducer, undefined, base.state as S)
      core.start = base.start
      core.settled = 0
      core.settledIds = new Set()
      core.cursor = undefined
      // Commands of settled events are folded into the snapshot; the pending ones stay.
      core.commands = core.commands.filter((c) => pendingIds.has(c.id))
      rebase(core, [], pending, options)
    },
    evict: (count) => evict(core, count) as Page<unknown> | undefined,
    extend: (page) => extend(core, page as Page<S>),
    setEarlier(source) {
      core.earlier = source
    },
    drop(ids, options) {
      const gone = new Set(ids)
      const rest = tail()
      if (rest.some((e) => gone.has(e.id))) {
        rebase(
          core,
          [],
          rest.filter((e) => !gone.has(e.id)),
          options,
        )
      }
    },
  }
}

/** Settle `settling` after the settled events, then put the pending ones back on top. */
function rebase<S>(
  core: Internals<S>,
  settling: MutableEventEntry[],
  pending: MutableEventEntry[],
  options: RebaseOptions = {},
): LostCommand<any>[] {
  const { log, handlers } = core
  log.truncate(core.settled)
  for (const entry of settling) {
    log.push(entry)
    core.settledIds?.add(entry.id)
  }
  core.settled += settling.length
  log.pin()
  const lost: LostCommand<any>[] = []
  const byId = new Map(pending.map((e) => [e.id, e]))
  const done = new Set<string>()
  for (const entry of pending) {
    const commandId = entry.commandId
    if (commandId === undefined || !handlers) {
      log.push(entry)
      continue
    }
    if (done.has(commandId)) continue
    done.add(commandId)
    const command = findCommand(core, commandId)
    const mine = command?.eventIds.map((id) => byId.get(id))
    const pinned =
      !command || mine!.some((e) => !e || e.position !== undefined || options.frozen?.(e as never))
    if (pinned) {
      for (const e of pending) if (e.commandId === commandId) log.push(e)
      continue
    }
    const made = command.error === undefined && mine!.length > 0
    core.rerun(core, log, handlers, command, byId)
    if (made && command.error !== undefined) {
      lost.push({ command, error: command.error, events: mine as never })
    }
  }
  refreshView(core)
  return lost
}

/** Pending commands are recent: look for them from the end of the command log. */
function findCommand<S>(core: Internals<S>, id: string) {
  for (let i = core.commands.length - 1; i >= 0; i--)
    if (core.commands[i]!.id === id) return core.commands[i]
  return undefined
}
