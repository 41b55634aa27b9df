/** A set of listeners; `emit` calls each, and a throwing listener does not stop the others. */
export class Signal<T> {
  #listeners = new Set<(value: T) => void>()

  subscribe(listener: (value: T) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  emit(value: T): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(value)
      } catch {
        // A subscriber's bug must not break appends or other subscribers.
      }
    }
  }
}

export interface WaitOptions<T> {
  /** Registers a wake-up; returns the unsubscribe. */
  subscribe(wake: () => void): () => void
  /** The awaited value, or undefined to keep waiting. */
  check(): Promise<T | undefined>
  timeoutMs: number
  signal?: AbortSignal | undefined
}

/**
 * Checks, then re-checks on every wake-up until `check` gives a value, the time is up or the
 * signal aborts (then undefined). Subscribing before the first check means a wake-up between a
 * check and the wait is never lost.
 */
export async function waitFor<T>(options: WaitOptions<T>): Promise<T | undefined> {
  let wake: () => void = () => {}
  let dirty = false
  const unsubscribe = options.subscribe(() => {
    dirty = true
    wake()
  })
  let timer: ReturnType<typeof setTimeout> | undefined
  let done = false
  const finish = () => {
    done = true
    wake()
  }
  timer = setTimeout(finish, options.timeoutMs)
  options.signal?.addEventListener('abort', finish)
  try {
    while (true) {
      dirty = false
      const value = await options.check()
      if (value !== undefined || done || options.signal?.aborted) return value
      if (!dirty) await new Promise<void>((resolve) => (wake = resolve))
      wake = () => {}
    }
  } finally {
    clearTimeout(timer)
    timer = undefined
    unsubscribe()
    options.signal?.removeEventListener('abort', finish)
  }
}
