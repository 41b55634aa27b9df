/**
 * Runs synchronous work (better-sqlite3 reads block the thread) one job per turn of the event
 * loop, in call order. Fifty reads of a thousand events queued at once would otherwise run back
 * to back, and a POST arriving meanwhile would wait for all of them; one per turn lets its I/O
 * and its append in between.
 */
export function turns(): <T>(job: () => T) => Promise<T> {
  const queue: (() => void)[] = []
  let scheduled = false
  const next = () => {
    queue.shift()?.()
    scheduled = queue.length > 0
    if (scheduled) setImmediate(next)
  }
  return (job) =>
    new Promise((resolve, reject) => {
      queue.push(() => {
        try {
          resolve(job())
        } catch (error) {
          reject(error)
        }
      })
      if (!scheduled) {
        scheduled = true
        setImmediate(next)
      }
    })
}
