import type { EventEntry } from '@strata/state'
import type { WireEvent } from '../core/replica'
import { PROTOCOL_VERSION, parsePostEventsRequest, StrataWireError } from '../protocol/index'
import { rejectRefused } from './conflicts'
import type { SyncContext } from './context'
import { unlessStale } from './erasure'
import { toSyncError } from './errors'
import { unsendable } from './limits'
import type { ClaimInput, DraftEvent, WireFields } from './storage'
import { expectations, noteClaimed } from './streams'

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
  /** Flushes waiting: a draft that becomes claimable meanwhile (a re-decided conflict) goes now. */
  flushing = 0

  constructor(ctx: SyncContext, ready: Promise<unknown>, onClaimed: () => void) {
    this.#ctx = ctx
    this.#queue = ready.catch(() => {})
    this.#onClaimed = onClaimed
  }

  /** Own pending events not claimed yet, in log order: the drafts. */
  unclaimed(): EventEntry[] {
    const { replica, claimed } = this.#ctx
    return replica.pending().filter((e) => !claimed.has(e.id))
  }

  /**
   * The drafts that may be claimed now, in log order: none from the first held conflict or
   * undecided draft on, as what follows it was decided on top of it, and its command is about to
   * be decided again.
   */
  claimable(): EventEntry[] {
    const { conflicts, undecided } = this.#ctx
    const list = this.unclaimed()
    const stop = list.findIndex((e) => conflicts.held.has(e.id) || undecided.has(e.id))
    return stop < 0 ? list : list.slice(0, stop)
  }

  /** After every store change: keep the drafts durable and start or fill a batch. */
  changed(): void {
    if (this.#ctx.signal.aborted) return
    const waiting = this.claimable().length
    this.mirror()
    const { maxEvents, maxDelayMs } = this.#ctx.config
    if (waiting >= maxEvents) void this.claim(false)
    // At once without a delay, while a flush waits, and for drafts let go (see `released`).
    const now = !maxDelayMs || this.flushing || this.#ctx.released
    this.#ctx.released = false
    if (waiting && now) void this.claim()
    else if (waiting % maxEvents && this.#timer === undefined) {
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
    return this.enqueue(async () => {
      this.#mirrorQueued = false
      const ctx = this.#ctx
      const list = this.unclaimed()
      // None stored under this tab and none to store: skip the strict write (a quiet tab's pulls).
      if (!list.length && !ctx.draftsKept) return
      await ctx.storage.saveDrafts(ctx.tabs.tabId, drafts(ctx, list))
      ctx.draftsKept = list.length > 0
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
    return this.enqueue(async () => {
      const ctx = this.#ctx
      const min = all ? 1 : ctx.config.maxEvents
      let list = this.claimable()
      while (list.length >= min && !ctx.signal.aborted) {
        const take = wholeCommands(list, ctx.config.maxEvents)
        // Freeze before the first await: a rebase from here on keeps these events as they are.
        for (const e of take) ctx.claimed.set(e.id, 0)
        const { valid, invalid } = this.#encode(take)
        // Events after an unsendable one were decided on top of it: they wait for its rebase.
        for (const e of take.slice(valid.length + invalid.length)) ctx.claimed.delete(e.id)
        const rest = this.unclaimed()
        try {
          const made = await ctx.storage.claim(ctx.tabs.tabId, valid, drafts(ctx, rest))
          ctx.draftsKept = rest.length > 0
          for (const e of made) noteClaimed(ctx, e)
        } catch (cause) {
          for (const e of take) ctx.claimed.delete(e.id)
          throw toSyncError(cause, 'storage', 'Saving events to the outbox')
        }
        for (const { entry, error } of invalid) this.#rejectLocally(entry, error)
        list = this.claimable()
      }
      this.#onClaimed()
    })
  }

  /** Waits for every queued write. */
  settled(): Promise<unknown> {
    // Never rejects: each write catches its own failure (enqueue).
    return this.#queue
  }

  /**
   * Runs `work` after the queued writes (again after an erasure it was refused for); a failure
   * stops syncing (status 'error') until resume.
   */
  enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.#queue
      .then(() => unlessStale(this.#ctx, work))
      .catch((error) => {
        const { state, clock, signal } = this.#ctx
        // Closing closes the database under a write still queued: not an error of the outbox.
        if (signal.aborted) return
        // A SyncError (a failed claim) is kept as it is.
        state.error = toSyncError(error, 'storage', 'Writing the outbox')
        state.report(state.error, clock.now())
      })
    this.#queue = run
    return run
  }

  /**
   * The wire form of each event, checked with the protocol's own request check: an event the
   * server would refuse as a malformed request (not JSON, a `__proto__` key, a type too long)
   * would block the whole outbox, so it is rejected here and never gets a clientSeq. So is one
   * too large for a request of its own, once the server's limits are known. (An event merely
   * over `maxEventBytes` is sent: the server rejects it alone and the outbox moves on.) Encoding
   * stops at the first such event. Each event carries its expectations (streams.ts).
   */
  #encode(entries: EventEntry[]) {
    const valid: ClaimInput[] = []
    const invalid: { entry: EventEntry; error: unknown }[] = []
    const ctx = this.#ctx
    const { codec, streamOf, clientId, limits } = ctx
    const expected = expectations(ctx, entries)
    for (const entry of entries) {
      try {
        const { type, payload } = codec.encode(entry.event)
        const wire: WireFields = { id: entry.id, stream: streamOf(entry.event), type, at: entry.at }
        if (payload !== undefined) wire.payload = payload
        if (entry.commandId !== undefined) wire.commandId = entry.commandId
        const x = expected.get(entry.id)
        if (x?.expectedVersion !== undefined) wire.expectedVersion = x.expectedVersion
        if (x?.dependsOn !== undefined) wire.dependsOn = x.dependsOn
        // JSON round trip: what the server fingerprints is what a resend sends.
        const json = JSON.parse(JSON.stringify(wire)) as WireFields
        parsePostEventsRequest({
          protocol: PROTOCOL_VERSION,
          clientId,
          // Any seq above dependsOn: the real one is given by the claim.
          events: [{ ...json, clientSeq: Number.MAX_SAFE_INTEGER }],
        })
        const tooLarge = limits && unsendable(json, clientId, limits)
        if (tooLarge) throw tooLarge
        const dependsOnIndex = x?.dependsOnIndex
        valid.push({ ...draftOf(ctx, entry), wire: json, dependsOnIndex, seen: x?.seen })
      } catch (error) {
        invalid.push({ entry, error })
        break
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
    ctx.state.noteRejected({ id: entry.id, type: entry.type, clientSeq: undefined, error })
    rejectRefused(ctx, entry.id, undefined, error)
  }
}

/** Up to `max` events, and then the rest of the last one's command: seqs stay together. */
function wholeCommands(list: readonly EventEntry[], max: number): EventEntry[] {
  let end = Math.min(max, list.length)
  const last = list[end - 1]?.commandId
  while (last !== undefined && end < list.length && list[end]!.commandId === last) end++
  return list.slice(0, end)
}

/** Drafts with their commands, so another page can re-run them. */
function drafts(ctx: SyncContext, entries: readonly EventEntry[]): DraftEvent[] {
  return entries.map((e) => draftOf(ctx, e))
}

function draftOf(ctx: SyncContext, entry: EventEntry): DraftEvent {
  // Store events are plain objects; the core's restore takes them as such.
  const event = entry.event as WireEvent
  const draft: DraftEvent = { id: entry.id, event, at: entry.at, commandId: entry.commandId }
  const command = entry.commandId === undefined ? undefined : ctx.replica.command(entry.commandId)
  if (command && ctx.replica.decides) {
    draft.command = { command: command.command as WireEvent, at: command.at, ctx: command.ctx }
  }
  return draft
}
