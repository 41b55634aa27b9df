import { eventEntry, type MutableEventEntry } from './entries'
import { announce, events, type Internals, internalsOf, refreshView } from './internals'
import type { AnyEvent, EventEntry, Store } from './types'

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

/** A local event that was still unsent when the page closed, read back from a durable outbox. */
export interface RestoredEvent {
  id: string
  event: WireEvent
  at: number
  commandId?: string | undefined
}

export interface RebaseOptions {
  /** Events already sent (in flight): their commands are never re-run, so what the server may
   * have stored stays what the client has. */
  frozen?: (entry: EventEntry) => boolean
}

/**
 * What a sync client needs from a store (exported by `@strata/state/sync`, so apps without sync
 * do not ship it). The log is kept as settled events (decided by the
 * server: pulled in position order, or rejected) followed by pending local ones; remote events
 * and rejections settle events and rebase the pending ones on top, re-running their commands
 * through the handlers when there are handlers (as Replicache re-runs mutators).
 */
export interface Replica<E extends AnyEvent = AnyEvent> {
  /** How many events at the front of `logs.events` are settled. */
  readonly settled: number
  /** Local events no server has stored yet, in log order: what the outbox sends. */
  pending(): EventEntry<E>[]
  /** The server stored a local event at `position`; it settles when it is pulled. */
  confirm(id: string, position: string): void
  /** The server refused a local event for good: settle it as rejected and rebase the rest. */
  reject(id: string, error: unknown, options?: RebaseOptions): void
  /** Settle events read from the server; returns how many were new and how many already known. */
  pull(
    events: readonly PulledEvent[],
    options?: RebaseOptions,
  ): { applied: number; duplicates: number }
  /** Append local events recovered from a durable outbox, as pending. */
  restore(events: readonly RestoredEvent[]): void
}

export function replicaOf<S, E extends AnyEvent>(store: Store<S, any, E>): Replica<E> {
  const core = internalsOf<S>(store)
  const tail = () => events(core).slice(core.settled)
  return {
    get settled() {
      return core.settled
    },
    pending: () =>
      tail().filter(
        (e) => e.origin === 'local' && e.position === undefined && e.rejected === undefined,
      ) as unknown as EventEntry<E>[],
    confirm(id, position) {
      const entry = tail().find((e) => e.id === id)
      if (entry) {
        entry.position = position
        announce(core, core.view, 'logs')
      }
    },
    reject(id, error, options) {
      const rest = tail()
      const entry = rest.find((e) => e.id === id)
      if (!entry) return
      entry.rejected = error
      rebase(
        core,
        [entry],
        rest.filter((e) => e !== entry),
        options,
      )
    },
    pull(pulled, options) {
      const list = events(core)
      const rest = tail()
      const own = new Map(rest.map((e) => [e.id, e]))
      core.settledIds ??= new Set(list.slice(0, core.settled).map((e) => e.id))
      const seen = core.settledIds
      const settling: MutableEventEntry[] = []
      let duplicates = 0
      for (const p of pulled) {
        if (seen.has(p.id)) {
          duplicates++
          continue
        }
        seen.add(p.id)
        const mine = own.get(p.id)
        own.delete(p.id)
        if (mine) mine.position = p.position
        settling.push(
          mine ?? eventEntry(p.id, p.event, p.at, p.commandId, p.origin ?? 'remote', p.position),
        )
      }
      if (settling.length)
        rebase(
          core,
          settling,
          rest.filter((e) => own.has(e.id)),
          options,
        )
      return { applied: settling.length, duplicates }
    },
    restore(restored) {
      for (const r of restored) core.log.push(eventEntry(r.id, r.event, r.at, r.commandId))
      refreshView(core)
    },
  }
}

/** Settle `settling` after the settled events, then put the pending ones back on top. */
function rebase<S>(
  core: Internals<S>,
  settling: MutableEventEntry[],
  pending: MutableEventEntry[],
  options: RebaseOptions = {},
): void {
  const { log, handlers } = core
  log.truncate(core.settled)
  for (const entry of settling) {
    log.push(entry)
    core.settledIds?.add(entry.id)
  }
  core.settled += settling.length
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
    } else {
      core.rerun(core, log, handlers, command, byId)
    }
  }
  refreshView(core)
}

/** Pending commands are recent: look for them from the end of the command log. */
function findCommand<S>(core: Internals<S>, id: string) {
  for (let i = core.commands.length - 1; i >= 0; i--)
    if (core.commands[i]!.id === id) return core.commands[i]
  return undefined
}
