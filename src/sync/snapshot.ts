import type { SyncContext } from './context'
import { SyncError } from './errors'
import type { OutboxEntry, SyncSnapshot, SyncStatus } from './types'

/** What the devtools' sync tab shows, built from the shared state and the store. */
export function snapshotOf(ctx: SyncContext, tabId: string): SyncSnapshot {
  const { state, replica, claimed } = ctx
  const pending = replica.pending()
  const inFlight = state.inFlight
  const outbox: OutboxEntry[] = pending.map((e) => {
    const seq = claimed.get(e.id) || undefined
    const sending = seq !== undefined && inFlight && seq >= inFlight.first && seq <= inFlight.last
    const held = ctx.conflicts.held.has(e.id)
    return {
      id: e.id,
      type: e.type,
      clientSeq: seq,
      state: held ? 'conflict' : sending ? 'in-flight' : claimed.has(e.id) ? 'claimed' : 'waiting',
    }
  })
  const conflicts = ctx.conflicts.getSnapshot()
  let status: SyncStatus = 'idle'
  if (state.error) status = 'error'
  else if (state.paused || state.sendOffline || state.pullOffline) status = 'offline'
  else if (pending.length || inFlight) status = 'sending'
  // Never "everything saved" while a lost command is not dismissed.
  else if (conflicts.length) status = 'conflict'
  return {
    status,
    position: state.position,
    clientId: ctx.clientId || undefined,
    tabId,
    paused: state.paused,
    sender: state.sender,
    durable: ctx.storage.durable,
    outbox,
    inFlight,
    rejected: [...state.rejected],
    conflicts,
    reducerErrors: [...ctx.conflicts.reducerErrors],
    errors: [...state.errors],
    error: state.error,
    retry: state.retry,
    lastSeq: state.lastSeq,
    boot: state.boot,
    progress: state.progress,
  }
}

/**
 * Resolves once `done()` holds (checked on every change) or `finished` resolves; rejects when
 * syncing stops with an error or the connection closes, so a caller never waits forever.
 */
export function until(
  ctx: SyncContext,
  listeners: Set<() => void>,
  done: () => boolean,
  finished?: Promise<void>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let over = false
    const stop = () => {
      over = true
      listeners.delete(check)
      ctx.signal.removeEventListener('abort', check)
    }
    function check() {
      if (over) return
      if (ctx.signal.aborted) {
        stop()
        reject(new SyncError('network', 'send', 'The sync connection closed before this finished.'))
      } else if (ctx.state.error) {
        stop()
        reject(ctx.state.error)
      } else if (done()) {
        stop()
        resolve()
      }
    }
    listeners.add(check)
    ctx.signal.addEventListener('abort', check)
    finished?.then(() => {
      if (!over) {
        stop()
        resolve()
      }
    })
    check()
  })
}
