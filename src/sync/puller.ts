import type { PositionToken, ReadEventsResponse, StoredWireEvent } from '../protocol/index'
import { scrubPayload } from '../protocol/personal'
import { backoffDelay, deadline, Wakeup } from './clock'
import { type StreamedEvent, settle } from './conflicts'
import type { SyncContext } from './context'
import { forgottenIn, scrubForgotten } from './erasure'
import { type SyncError, toSyncError } from './errors'
import { settlePulled } from './history/settle'
import { localEventId } from './ids'
import { collectRejections } from './results'
import { reportStoredErrors } from './storedErrors'

/** Events asked for per request while catching up; the server caps it at its `maxReadLimit`. */
const CATCH_UP_LIMIT = 1000

/** A stored event as the store's log takes it. */
export function toPulled(ctx: SyncContext, e: StoredWireEvent): StreamedEvent {
  // The replica matches pulled events to pending local ones by id: only this store's own
  // clients' events may, so every other client's event gets an id no local event can have.
  return {
    id: localEventId(ctx.ownClients, e),
    // A subject this tab has scrubbed stays scrubbed (a pull answered before the forget).
    event: ctx.codec.decode({
      type: e.type,
      payload:
        (ctx.forgotten && scrubPayload(ctx.config.personal!, e.type, e.payload, ctx.forgotten)) ||
        e.payload,
    }),
    at: e.at,
    position: e.position,
    commandId: e.commandId ?? undefined,
    // Ours from an earlier page (same persisted clientId): local, not another client's.
    origin: ctx.ownClients.has(e.clientId) ? 'local' : 'remote',
    stream: e.stream,
    version: e.streamVersion,
  }
}

/**
 * Reads remote events in position order, one request at a time, and settles them in the store
 * (its own echoes included) with the in-flight events frozen. Long polls when `live` is 'poll';
 * otherwise waits for a poke (SSE) or `pull()`.
 */
export class Puller {
  #ctx: SyncContext
  /** Everything up to here has been read. */
  #after: PositionToken | undefined
  #wake = new Wakeup()
  #retry = new Wakeup()
  #waiters: (() => void)[] = []
  #urgent = true
  #hasMore = false
  #attempt = 0
  #authRetried = false
  #poll: AbortController | undefined
  #lastSeqSeen: number | undefined
  /** The first pull was answered (applied) or failed: a flush before it waits for that. */
  declare answered?: true

  constructor(ctx: SyncContext) {
    this.#ctx = ctx
  }

  /** The server has events after `head` (an SSE poke), or the caller wants to catch up now. */
  poke(): void {
    this.#urgent = true
    this.#poll?.abort()
    this.#wake.wake()
  }

  /** Resolves after a pull that started after this call has caught up. */
  pull(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push(resolve)
      this.poke()
    })
  }

  retryNow(): void {
    this.#attempt = 0
    this.#retry.wake()
    this.poke()
  }

  get after(): PositionToken | undefined {
    return this.#after
  }

  /** Reads after `token`: what the store's settled state (a snapshot) already holds. */
  resumeAt(token: PositionToken | undefined): void {
    this.#after = token
  }

  /**
   * Pulls until the connection closes. `before`: what must be done before a response is applied
   * (the outbox put back on top of the settled state), so the first request goes out meanwhile.
   */
  async run(before?: Promise<void>): Promise<void> {
    const ctx = this.#ctx
    const { state, clock, signal, config } = ctx
    while (!signal.aborted) {
      if (state.paused || state.error) {
        await this.#wake.wait(clock, Number.POSITIVE_INFINITY, signal)
        continue
      }
      const catchingUp = this.#urgent || this.#hasMore
      if (!catchingUp && config.live !== 'poll') {
        await this.#wake.wait(clock, Number.POSITIVE_INFINITY, signal)
        continue
      }
      const serving = catchingUp ? this.#waiters.splice(0) : []
      this.#urgent = false
      const poll = new AbortController()
      this.#poll = catchingUp ? undefined : poll
      const epoch = state.epoch
      const gen = ++ctx.pulls
      const wait = catchingUp ? 0 : config.pollWaitMs
      const timeout = deadline(
        clock,
        wait + config.requestTimeoutMs,
        AbortSignal.any([signal, poll.signal]),
      )
      const after = this.#after
      try {
        const response = await ctx.transport.read(
          {
            ...(after !== undefined && { after }),
            ...(wait > 0 && { wait }),
            // Catching up (a re-fold, a tail after a snapshot): as many as the server gives.
            ...((config.pullLimit !== undefined || catchingUp) && {
              limit: config.pullLimit ?? CATCH_UP_LIMIT,
            }),
            ...(config.streams && { streams: config.streams }),
            clientId: ctx.clientId,
          },
          timeout.signal,
        )
        await before
        if (signal.aborted) return
        if (after !== this.#after) {
          // Sent while booting, after a snapshot the boot did not use: ask again.
          this.#waiters.unshift(...serving)
          this.#urgent = true
          continue
        }
        await this.#apply(response, gen)
        if (this.#hasMore) this.#waiters.unshift(...serving)
        else for (const resolve of serving) resolve()
      } catch (cause) {
        this.#waiters.unshift(...serving)
        if (signal.aborted) return
        if (poll.signal.aborted || epoch !== state.epoch) continue
        // Told by the report's change.
        this.answered = true
        await this.#failed(toSyncError(cause, 'pull', 'Reading events from the server'))
      } finally {
        timeout.clear()
        this.#poll = undefined
      }
    }
  }

  async #apply(response: ReadEventsResponse, gen: number): Promise<void> {
    const ctx = this.#ctx
    // Events being claimed (seq 0) are frozen before their expectations are known: let the claim
    // finish, so that events these make stale are decided again, not folded on a state they were
    // not decided on (where the reducer may throw).
    if ([...ctx.claimed.values()].includes(0))
      await new Promise<void>((r) => ctx.write(async () => r()))
    if (ctx.signal.aborted) return
    const pulled = response.events.map((e) => toPulled(ctx, e))
    const from = ctx.store.history.start + ctx.replica.settled
    // A caught-up pull may also let held conflicts and undecided drafts go (see conflicts.ts).
    const waiting = (ctx.conflicts.held.size > 0 || ctx.undecided.size > 0) && !response.hasMore
    // In slices that yield to the page (a long re-fold), each settled as conflicts.ts says.
    await settlePulled(ctx, response, pulled, (slice, last) => {
      if (slice.length || (last && waiting)) settle(ctx, slice, last && !response.hasMore, gen)
    })
    if (ctx.signal.aborted) return
    // An erasure: the connected client learns it by its audit event, as an offline one does
    // when it pulls on reconnect. What arrives after it is scrubbed by the server already.
    const forgotten = ctx.config.personal ? forgottenIn(response.events) : undefined
    if (forgotten?.size) await scrubForgotten(ctx, forgotten)
    if (!response.hasMore) ctx.caughtUp = true
    reportStoredErrors(ctx, Math.max(0, from - ctx.store.history.start))
    this.#after = response.token
    this.#hasMore = response.hasMore
    this.#attempt = 0
    this.#authRetried = false
    this.answered = true
    ctx.state.pullOffline = false
    ctx.state.advance(response.token)
    ctx.logChanged()
    if (pulled.length) ctx.emitPull(pulled)
    const lastSeq = response.lastSeq
    if (lastSeq !== undefined && lastSeq !== this.#lastSeqSeen) {
      this.#lastSeqSeen = lastSeq
      ctx.state.lastSeq = Math.max(ctx.state.lastSeq ?? 0, lastSeq)
      // A clientId reused without its counter (persist: false, an explicit clientId) must not
      // claim sequence numbers the server has already processed; with none processed, there is
      // nothing to write and no rejection to collect.
      if (lastSeq) {
        await ctx.storage.advanceSeq(lastSeq).catch(() => {})
        if (ctx.storage.durable) await collectRejections(ctx)
      }
    }
  }

  async #failed(error: SyncError): Promise<void> {
    const ctx = this.#ctx
    const { state, clock } = ctx
    state.report(error, clock.now())
    if (error.code === 'bad_token' && this.#after !== undefined) {
      // The server's store was reset: read again from the start; the store skips what it has.
      // What this device kept of the old history (snapshots, pages, the window's base) is of
      // events the server no longer has: the settled state starts over from the new ones.
      this.#after = undefined
      this.#urgent = true
      await ctx.history.restart()
      return
    }
    if (error.code === 'unauthorized') {
      if (!this.#authRetried && (await ctx.refreshAuth(error))) {
        // Asked again with the fresh credential: a catch-up (a pull() waiting) is not done.
        this.#authRetried = true
        this.#urgent = true
        return
      }
    }
    if (error.code === 'unauthorized' || !error.retryable) {
      state.error = error
      state.changed()
      return
    }
    state.pullOffline = error.offline
    this.#attempt++
    this.#urgent = true
    const delay = backoffDelay(this.#attempt, ctx.random, ctx.config.retry, error.retryAfterMs)
    state.changed()
    await this.#retry.wait(clock, delay, ctx.signal)
  }
}
