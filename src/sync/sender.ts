import { uuid } from '../core/ids'
import {
  type PostEventsRequest,
  type PostEventsResponse,
  PROTOCOL_VERSION,
  StrataWireError,
} from '../protocol/index'
import { backoffDelay, deadline, Wakeup } from './clock'
import type { SyncContext, TabMessage } from './context'
import { type SyncError, toSyncError } from './errors'
import { eventsThatFit } from './limits'
import { adoptGone, applyResults } from './results'
import type { ClaimedEvent, Outcome } from './storage'

type Result = Extract<TabMessage, { kind: 'results' }>['results'][number]

/**
 * The sending loop of the tab that holds the sender role: claimed events of every tab, in
 * clientSeq order, a batch at a time. Network errors and 5xx are retried with backoff; a 401
 * asks the app for a credential once; anything else stops sending with a typed error
 * (status 'error') until `resume()`, so nothing is dropped silently.
 */
export class Sender {
  #ctx: SyncContext
  /** New claims, from this tab or a broadcast. */
  #work = new Wakeup()
  /** Ends a backoff early: resume(), or the browser is online again. */
  #retry = new Wakeup()
  #attempt = 0
  #authRetried = false
  #limit: number
  #adoptedAt = Number.NEGATIVE_INFINITY
  /** The server has no `GET /limits` (an older one): size batches by halving after a 413. */
  #noLimits = false

  constructor(ctx: SyncContext) {
    this.#ctx = ctx
    this.#limit = ctx.config.maxEvents
  }

  wake(): void {
    this.#work.wake()
  }

  /** Retry now, with a fresh backoff. */
  retryNow(): void {
    this.#attempt = 0
    this.#retry.wake()
    this.#work.wake()
  }

  async run(): Promise<void> {
    const ctx = this.#ctx
    const { state, clock, signal } = ctx
    while (!signal.aborted) {
      if (!ctx.tabs.isSender()) {
        this.#setSender(false)
        if (!(await ctx.tabs.becomeSender())) return
        // The tab that sent before may have closed with unsent events: restore them first.
        await this.#adopt()
        this.#setSender(true)
      }
      if (state.paused || state.error) {
        await this.#work.wait(clock, Number.POSITIVE_INFINITY, signal)
        continue
      }
      let batch: ClaimedEvent[]
      const limit = Math.min(this.#limit, ctx.limits?.maxEventsPerBatch ?? Number.POSITIVE_INFINITY)
      try {
        // One more than fits, to see whether the last command goes on past the cut.
        batch = await ctx.storage.unsent(limit + 1)
      } catch (error) {
        this.#fatal(toSyncError(error, 'storage', 'Reading the outbox'))
        continue
      }
      if (batch.length) {
        await this.#loadLimits()
        if (!signal.aborted) await this.#send(batch, limit)
      } else {
        await this.#work.wait(clock, ctx.config.idlePollMs, signal)
        // A tab that closed (or crashed) while another sent leaves its drafts to the sender.
        if (ctx.storage.durable && clock.now() - this.#adoptedAt >= ctx.config.leaseMs) {
          await this.#adopt()
        }
      }
    }
  }

  async #adopt(): Promise<void> {
    this.#adoptedAt = this.#ctx.clock.now()
    try {
      await adoptGone(this.#ctx)
    } catch (error) {
      this.#fatal(toSyncError(error, 'storage', "Adopting a closed tab's outbox"))
    }
  }

  #setSender(sender: boolean) {
    if (this.#ctx.state.sender === sender) return
    this.#ctx.state.sender = sender
    this.#ctx.state.changed()
  }

  /**
   * Reads the server's limits once per connection, before the first batch. A failure is not
   * an error of its own: the send that follows meets the same network or server, and the
   * limits are asked for again after the next success. A server without the endpoint (404, an
   * older version) is not asked again.
   */
  async #loadLimits(): Promise<void> {
    const ctx = this.#ctx
    if (ctx.limits || this.#noLimits || this.#attempt > 0) return
    const timeout = deadline(ctx.clock, ctx.config.requestTimeoutMs, ctx.signal)
    try {
      // As the protocol checked them: these three and its version, nothing else.
      ctx.limits = await ctx.transport.limits(timeout.signal)
    } catch (error) {
      if (error instanceof StrataWireError && !error.retryable && error.code !== 'unauthorized') {
        this.#noLimits = true
      }
    } finally {
      timeout.clear()
    }
  }

  async #send(unsent: ClaimedEvent[], limit: number): Promise<void> {
    const ctx = this.#ctx
    const { state, signal } = ctx
    const request: PostEventsRequest = {
      protocol: PROTOCOL_VERSION,
      clientId: ctx.clientId,
      batchId: uuid(),
      events: unsent.slice(0, limit).map((e) => ({ ...e.wire, clientSeq: e.clientSeq })),
    }
    // As many as the server takes in one request, cut between commands (the server stores a
    // command's events in one request together or not at all); the rest go in the next.
    const fit = wholeCommands(
      unsent,
      Math.min(
        ctx.limits ? eventsThatFit(request, ctx.limits) : request.events.length,
        untilRepeated(unsent),
      ),
    )
    const batch = unsent.slice(0, fit)
    request.events = request.events.slice(0, fit)
    const seqs = { first: batch[0]!.clientSeq, last: batch.at(-1)!.clientSeq }
    state.inFlight = seqs
    state.changed()
    const epoch = state.epoch
    let failure: SyncError | undefined
    const timeout = deadline(ctx.clock, ctx.config.requestTimeoutMs, signal)
    try {
      const response = await ctx.transport.post(request, timeout.signal)
      if (signal.aborted) return
      checkResults(batch, response)
      await this.#apply(batch, response)
      this.#attempt = 0
      this.#authRetried = false
      this.#limit = ctx.config.maxEvents
      state.sendOffline = false
      state.retry = undefined
    } catch (cause) {
      const what = `Sending events ${seqs.first}–${seqs.last} (clientSeq)`
      if (!signal.aborted && epoch === state.epoch) failure = toSyncError(cause, 'send', what, seqs)
    } finally {
      timeout.clear()
      state.inFlight = undefined
      state.changed()
    }
    if (failure) await this.#failed(failure, batch.length)
  }

  async #apply(batch: ClaimedEvent[], response: PostEventsResponse): Promise<void> {
    const ctx = this.#ctx
    const outcomes: Outcome[] = []
    const results: Result[] = []
    batch.forEach((record, i) => {
      const r = response.results[i]!
      const { id, owner, clientSeq } = record
      const base = { id, owner, clientSeq, stream: record.wire.stream, type: record.wire.type }
      if (r.status !== 'rejected') {
        outcomes.push({ clientSeq })
        results.push({ ...base, position: r.position })
      } else if (r.error?.code === 'duplicate_id') {
        // Stored before under another clientSeq (two tabs claimed it in a race): not a refusal.
        // The server says where, so it is confirmed now; without a position (an older server)
        // it settles when the puller brings it.
        outcomes.push({ clientSeq })
        results.push(r.position === undefined ? base : { ...base, position: r.position })
      } else {
        // Another tab's rejection stays in storage until it has taken it.
        outcomes.push({ clientSeq, rejected: owner === ctx.tabs.tabId ? undefined : r.error })
        results.push({ ...base, error: r.error })
      }
    })
    await ctx.storage.settle(outcomes)
    ctx.state.lastSeq = response.lastSeq
    applyResults(ctx, response.token, results)
    ctx.broadcast({ kind: 'results', token: response.token, results })
  }

  async #failed(error: SyncError, size: number): Promise<void> {
    const ctx = this.#ctx
    const { state, clock } = ctx
    state.report(error, clock.now())
    if (error.code === 'unauthorized') {
      if (!this.#authRetried && (await ctx.refreshAuth(error))) {
        this.#authRetried = true
        return
      }
      return this.#fatal(error)
    }
    if (error.code === 'too_large') {
      // The limits read before may be stale (the server was reconfigured): read them again.
      ctx.limits = undefined
      if (size > 1) {
        this.#limit = Math.max(1, Math.floor(size / 2))
        return
      }
    }
    if (!error.retryable) return this.#fatal(error)
    state.sendOffline = error.offline
    this.#attempt++
    const delay = backoffDelay(this.#attempt, ctx.random, ctx.config.retry, error.retryAfterMs)
    state.retry = { attempt: this.#attempt, at: clock.now() + delay }
    state.changed()
    await this.#retry.wait(clock, delay, ctx.signal)
  }

  #fatal(error: SyncError): void {
    const { state, clock } = this.#ctx
    state.error = error
    state.retry = undefined
    if (state.errors.at(-1)?.error !== error) state.report(error, clock.now())
    else state.changed()
  }
}

/**
 * How many events come before the first id seen twice: a superseded claim and the new decision
 * of its event share the id, and ids are unique within a request.
 */
function untilRepeated(list: readonly ClaimedEvent[]): number {
  const seen = new Set<string>()
  for (let i = 0; i < list.length; i++) {
    if (seen.has(list[i]!.id)) return i
    seen.add(list[i]!.id)
  }
  return list.length
}

/** Backs a cut at `fit` up to the start of the command it would split, unless that is the first. */
function wholeCommands(list: readonly ClaimedEvent[], fit: number): number {
  const command = list[fit]?.wire.commandId
  if (!command || list[fit - 1]?.wire.commandId !== command) return fit
  let start = fit - 1
  while (start > 0 && list[start - 1]!.wire.commandId === command) start--
  return start > 0 ? start : fit
}

/** One result per event, in order: anything else is not this protocol. */
function checkResults(batch: ClaimedEvent[], response: PostEventsResponse): void {
  const ok =
    response.results.length === batch.length &&
    response.results.every((r, i) => r.clientSeq === batch[i]!.clientSeq)
  if (!ok) {
    throw new StrataWireError(
      'bad_response',
      `Expected ${batch.length} results for clientSeq ${batch[0]!.clientSeq}–${batch.at(-1)!.clientSeq}, received ${response.results.length} (${response.results.map((r) => r.clientSeq).join(', ')})`,
    )
  }
}
