/**
 * One run at a time of a costly task that callers need done after their own change (a wipe of
 * deleted pages: on PostgreSQL a VACUUM FULL of tables every tenant shares). A call while a run
 * is under way waits for the next run, which starts after it and serves every call made
 * meanwhile: a run that started before a call may not cover that call's change. So a burst of
 * forgets costs two runs, not one each, and callers never stack runs on the store. With `pause`,
 * the next run waits as long as the last one took, so that calls in a loop hold the store at
 * most about half the time (another tenant's writes get the rest).
 */
export function coalesced(
  run: () => Promise<void>,
  { pause = false }: { pause?: boolean } = {},
): () => Promise<void> {
  let running: Promise<void> | undefined
  let queued: Promise<void> | undefined
  let readyAt = 0

  const start = (): Promise<void> => {
    const began = performance.now()
    let failed = false
    running = run()
      .catch((error: unknown) => {
        failed = true // its callers hear of it; the next run is tried at once
        throw error
      })
      .finally(() => {
        const ended = performance.now()
        readyAt = failed || !pause ? ended : 2 * ended - began
        running = undefined
      })
    return running
  }

  return () => {
    if (queued) return queued
    if (!running && performance.now() >= readyAt) return start()
    queued = (running ?? Promise.resolve())
      .catch(() => {})
      .then(() => {
        const wait = readyAt - performance.now()
        return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : undefined
      })
      .then(() => {
        queued = undefined
        return start()
      })
    return queued
  }
}
