/** Time as the sync client sees it; tests pass a manual clock instead of faking globals. */
export interface SyncClock {
  now(): number
  setTimeout(run: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const systemClock: SyncClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
}

export interface RetryOptions {
  /** First delay's upper bound. Default 250 ms. */
  baseMs?: number
  /** Largest delay. Default 30 s. */
  maxMs?: number
}

/**
 * Delay before retry number `attempt` (from 1): exponential backoff with full jitter (a random delay up to the exponential bound), so clients
 * that failed together do not retry together. A server's `Retry-After` is a floor.
 */
export function backoffDelay(
  attempt: number,
  random: () => number,
  options: RetryOptions = {},
  retryAfterMs = 0,
): number {
  const base = options.baseMs ?? 250
  const max = options.maxMs ?? 30_000
  const bound = Math.min(max, base * 2 ** Math.min(Math.max(0, attempt - 1), 30))
  return Math.max(retryAfterMs, Math.round(random() * bound))
}

/** Resolves after `ms` on `clock`, or at once when `signal` aborts. */
export function sleep(clock: SyncClock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clock.clearTimeout(handle)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const handle = clock.setTimeout(done, ms)
    signal?.addEventListener('abort', done)
  })
}

/** A promise that something else resolves: a wake-up for a loop waiting on several causes. */
export class Wakeup {
  #resolve: (() => void) | undefined
  #pending = false

  /** Wake the waiter now, or the next one if nobody waits. */
  wake(): void {
    if (this.#resolve) {
      const resolve = this.#resolve
      this.#resolve = undefined
      resolve()
    } else {
      this.#pending = true
    }
  }

  wait(clock: SyncClock, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.#pending || signal?.aborted) {
      this.#pending = false
      return Promise.resolve()
    }
    return new Promise<void>((resolve) => {
      const done = () => {
        this.#resolve = undefined
        clock.clearTimeout(handle)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      this.#resolve = done
      const handle = Number.isFinite(ms) ? clock.setTimeout(done, ms) : undefined
      signal?.addEventListener('abort', done)
    })
  }
}

/**
 * A signal that aborts with a TimeoutError after `ms` on `clock`, or with `parent`: a request
 * that hangs (a proxy that never answers) must not hold the outbox forever.
 */
export function deadline(clock: SyncClock, ms: number, parent: AbortSignal) {
  const controller = new AbortController()
  const handle = clock.setTimeout(
    () => controller.abort(new DOMException(`No answer within ${ms} ms`, 'TimeoutError')),
    ms,
  )
  const signal = AbortSignal.any([parent, controller.signal])
  return { signal, clear: () => clock.clearTimeout(handle) }
}
