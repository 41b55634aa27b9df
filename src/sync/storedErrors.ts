import type { SyncContext } from './context'

const KEPT = 50

/**
 * Reports the reducer's errors on events that just settled (the server stored them): once per
 * event, to `onError`, and in development to the console with the event and the stack. The fold
 * kept the state as it was and went on, so nothing waits for this: not the outbox, not later
 * events.
 */
export function reportStoredErrors(ctx: SyncContext, from: number): void {
  const { replica, conflicts } = ctx
  const to = replica.settled
  if (to <= from) return
  const list = ctx.store.logs.events
  for (let i = Math.max(0, from); i < to; i++) {
    const entry = list[i]!
    if (entry.error === undefined || entry.rejected !== undefined) continue
    if (ctx.reportedErrors.has(entry.id)) continue
    ctx.reportedErrors.add(entry.id)
    const report = { entry, error: entry.error }
    conflicts.reducerErrors.push(report)
    if (conflicts.reducerErrors.length > KEPT) conflicts.reducerErrors.shift()
    if (process.env.NODE_ENV !== 'production') {
      console.error(
        `[strata] The reducer threw on event ${JSON.stringify(entry.type)} (${entry.id}, stored at ${entry.position}); the state was kept as it was and later events apply.`,
        entry.event,
        entry.error,
      )
    }
    try {
      ctx.onError?.(report)
    } catch (error) {
      queueMicrotask(() => {
        throw error
      })
    }
    ctx.state.changed()
  }
}
