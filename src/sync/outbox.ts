import type { EventEntry } from '@strata/state'
import type { WireEvent } from '../core/replica'
import { PROTOCOL_VERSION, parsePostEventsRequest, StrataWireError } from '../protocol/index'
import type { SyncContext } from './context'
import { SyncError, toSyncError } from './errors'
import { unsendable } from './limits'
import type { DraftEvent, WireFields } from './storage'

/**
 * This tab's side of the outbox: mirrors its pending local events into storage (so a reload
 * loses none) and claims them for sending in batches by size and time. Claiming gives an event
 * its clientSeq and freezes it: from then on a rebase never re-runs its command, because the
 * server may already have stored it as it is.
 */
export class Outbox {
  #ctx: SyncContext
  /** One queue for every write of this tab, so an old draft list never overwrites a claim. */
  #queue: Promise<unknown>
  #timer: unknown
  #mirrorQueued = false
  #onClaimed: () => void

  constructor(ctx: SyncContext, ready: Promise<unknown>, onClaimed: () => void) {
    this.#ctx = ctx
    this.#queue = ready.catch(() => {})
    this.#onClaimed = onClaimed
  }

  /** Own pending events not claimed yet, in log order. */
  unclaimed(): EventEntry[] {
    const { replica, claimed } = this.#ctx
    return replica.pending().filter((e) => !claimed.has(e.id))
  }

  /** After every store change: keep the drafts durable and start or fill a batch. */
  changed(): void {
    if (this.#ctx.signal.aborted) return
    const waiting = this.unclaimed().length
    this.mirror()
    const { maxEvents, maxDelayMs } = this.#ctx.config
    if (waiting >= maxEvents) void this.claim(false)
    if (waiting > 0 && maxDelayMs === 0) void this.claim()
    else if (waiting % maxEvents > 0 && this.#timer === undefined) {
      this.#timer = this.#ctx.clock.setTimeout(() => {
        this.#timer = undefined
        void this.claim()
      }, maxDelayMs)
    }
  }

  /** Writes the draft list once the writes before it are done, coalescing bursts. */
  mirror(): Promise<void> {
    if (this.#mirrorQueued) return this.#queue.then(() => {})
    this.#mirrorQueued = true
    return this.#enqueue(async () => {
      this.#mirrorQueued = false
      await this.#ctx.storage.saveDrafts(this.#ctx.tabs.tabId, this.unclaimed().map(toDraft))
    })
  }

  /**
   * Claims waiting events in batches of `maxEvents`, resolving once stored: every one (`all`,
   * when the delay is up or on flush), or only full batches (the size trigger).
   */
  claim(all = true): Promise<void> {
    if (all) {
      this.#ctx.clock.clearTimeout(this.#timer)
      this.#timer = undefined
    }
    return this.#enqueue(async () => {
      const ctx = this.#ctx
      const min = all ? 1 : ctx.config.maxEvents
      let list = this.unclaimed()
      while (list.length >= min && !ctx.signal.aborted) {
        const take = list.slice(0, ctx.config.maxEvents)
        // Freeze before the first await: a rebase from here on keeps these events as they are.
        for (const e of take) ctx.claimed.set(e.id, 0)
        const { valid, invalid } = this.#encode(take)
        try {
          const made = await ctx.storage.claim(
            ctx.tabs.tabId,
            valid,
            list.slice(take.length).map(toDraft),
          )
          for (const e of made) ctx.claimed.set(e.id, e.clientSeq)
        } catch (cause) {
          for (const e of take) ctx.claimed.delete(e.id)
          throw toSyncError(cause, 'storage', 'Saving events to the outbox')
        }
        for (const { entry, error } of invalid) this.#rejectLocally(entry, error)
        list = this.unclaimed()
      }
      this.#onClaimed()
    })
  }

  /** Waits for every queued write. */
  settled(): Promise<void> {
    return this.#queue.then(
      () => {},
      () => {},
    )
  }

  /** Runs `work` after the queued writes; a failure stops syncing (status 'error') until resume. */
  #enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(work).catch((error) => this.#storageFailed(error))
    this.#queue = run
    return run
  }

  #storageFailed(error: unknown): void {
    const { state, clock, signal } = this.#ctx
    // Closing closes the database under a write still queued: not an error of the outbox.
    if (signal.aborted) return
    const failure =
      error instanceof SyncError ? error : toSyncError(error, 'storage', 'Writing the outbox')
    state.error = failure
    state.report(failure, clock.now())
  }

  /**
   * The wire form of each event, checked with the protocol's own request check: an event the
   * server would refuse as a malformed request (not JSON, a `__proto__` key, a type too long)
   * would block the whole outbox, so it is rejected here and never gets a clientSeq. So is one
   * too large for a request of its own, once the server's limits are known. (An event merely
   * over `maxEventBytes` is sent: the server rejects it alone and the outbox moves on.)
   */
  #encode(entries: EventEntry[]) {
    const valid: (DraftEvent & { wire: WireFields })[] = []
    const invalid: { entry: EventEntry; error: unknown }[] = []
    const { codec, streamOf, clientId, limits } = this.#ctx
    for (const entry of entries) {
      try {
        const { type, payload } = codec.encode(entry.event)
        const wire: WireFields = { id: entry.id, stream: streamOf(entry.event), type, at: entry.at }
        if (payload !== undefined) wire.payload = payload
        if (entry.commandId !== undefined) wire.commandId = entry.commandId
        // JSON round trip: what the server fingerprints is what a resend sends.
        const json = JSON.parse(JSON.stringify(wire)) as WireFields
        parsePostEventsRequest({
          protocol: PROTOCOL_VERSION,
          clientId,
          events: [{ ...json, clientSeq: 1 }],
        })
        const tooLarge = limits && unsendable(json, clientId, limits)
        if (tooLarge) throw tooLarge
        valid.push({ ...toDraft(entry), wire: json })
      } catch (error) {
        invalid.push({ entry, error })
      }
    }
    return { valid, invalid }
  }

  #rejectLocally(entry: EventEntry, cause: unknown): void {
    const ctx = this.#ctx
    const error =
      cause instanceof StrataWireError
        ? cause
        : new StrataWireError(
            'bad_request',
            `Event ${entry.type} cannot be sent: ${String(cause)}`,
            {
              cause,
            },
          )
    ctx.claimed.delete(entry.id)
    ctx.state.noteRejected({ id: entry.id, type: entry.type, clientSeq: undefined, error })
    ctx.replica.reject(entry.id, error, { frozen: ctx.frozen })
  }
}

export function toDraft(entry: EventEntry): DraftEvent {
  // Store events are plain objects; the core's restore takes them as such.
  const event = entry.event as WireEvent
  return { id: entry.id, event, at: entry.at, commandId: entry.commandId }
}
