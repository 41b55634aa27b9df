import { type PostEventsResponse, PROTOCOL_VERSION, StrataWireError } from '../protocol/index'
import { backoffDelay, deadline, Wakeup } from './clock'
import type { SyncContext, TabMessage } from './context'
import { type SyncError, toSyncError } from './errors'
import { adoptGone, applyResults } from './results'
import { type ClaimedEvent, type Outcome, randomId } from './storage'

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
      try {
        batch = await ctx.storage.unsent(this.#limit)
      } catch (error) {
        this.#fatal(toSyncError(error, 'storage', 'Reading the outbox'))
        continue
      }
      if (batch.length) await this.#send(batch)
      else {
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

  async #send(batch: ClaimedEvent[]): Promise<void> {
    const ctx = this.#ctx
    const { state, signal } = ctx
    const seqs = { first: batch[0]!.clientSeq, last: batch.at(-1)!.clientSeq }
    state.inFlight = seqs
    state.changed()
    const epoch = state.epoch
    let failure: SyncError | undefined
    const timeout = deadline(ctx.clock, ctx.config.requestTimeoutMs, signal)
    try {
      const response = await ctx.transport.post(
        {
          protocol: PROTOCOL_VERSION,
          clientId: ctx.clientId,
          batchId: randomId(),
          events: batch.map((e) => ({ ...e.wire, clientSeq: e.clientSeq })),
        },
        timeout.signal,
      )
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
        outcomes.push({ clientSeq })
        results.push(base)
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
    if (error.code === 'too_large' && size > 1) {
      this.#limit = Math.max(1, Math.floor(size / 2))
      return
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
