import type { PulledEvent } from '../../core/replica'
import {
  compareTokens,
  maxToken,
  type ReadEventsResponse,
  tokenDistance,
} from '../../protocol/index'
import type { SyncContext } from '../context'

/** Reducer time between yields to the page while a long history is folded. */
const SLICE_MS = 12
/** Progress is told at most this often. */
const PROGRESS_MS = 100

/** Lets the page render and handle input; not the sync clock, which tests drive by hand. */
export const yieldToPage = () => new Promise<void>((resolve) => globalThis.setTimeout(resolve, 0))

/**
 * Settles a page of pulled events in slices, yielding to the page whenever the reducer has run
 * for `SLICE_MS`, so folding a long history (a device with no usable snapshot, a new reducer
 * version) never freezes it; `settledAt` follows each slice, so a snapshot taken between slices
 * is exact. Events at or before `settledAt` are already in the base (a snapshot) and are skipped.
 * While more pages follow, the sync snapshot's `progress` says how far the fold is.
 */
export async function settlePulled<P extends PulledEvent>(
  ctx: SyncContext,
  response: ReadEventsResponse,
  pulled: readonly P[],
  settleSlice: (slice: readonly P[], last: boolean) => void,
): Promise<void> {
  const { state } = ctx
  let i = 0
  const before = ctx.settledAt
  if (before !== undefined) {
    while (i < pulled.length && compareTokens(pulled[i]!.position, before) <= 0) i++
  }
  const fresh = pulled.length - i
  let size = 64
  let began = performance.now()
  let told = began
  if (i === pulled.length) settleSlice([], true)
  while (i < pulled.length) {
    const slice = pulled.slice(i, i + size)
    const t = performance.now()
    i += slice.length
    settleSlice(slice, i === pulled.length)
    ctx.settledAt = slice[slice.length - 1]!.position
    const now = performance.now()
    if (now - t < 2 && size < 1024) size *= 2
    if (now - began >= SLICE_MS && i < pulled.length) {
      if (now - told >= PROGRESS_MS) {
        told = now
        progress(ctx, response)
      }
      await yieldToPage()
      began = performance.now()
      if (ctx.signal.aborted) return
    }
  }
  ctx.settledAt = maxToken(ctx.settledAt, response.token)
  const own = response.events.filter((e) => e.clientId === ctx.clientId).map((e) => e.clientSeq)
  if (own.length) ctx.history.noteOwnSettled(own)
  if (response.hasMore) progress(ctx, response)
  else if (state.progress?.task === 'refold') {
    state.progress = undefined
    state.changed()
  }
  if (fresh) ctx.history.settled(fresh)
}

/** Events settled so far, of those the server has. */
function progress(ctx: SyncContext, response: ReadEventsResponse): void {
  const done = ctx.store.history.start + ctx.replica.settled
  const total = done + tokenDistance(ctx.settledAt, response.head)
  ctx.state.progress = { task: 'refold', done, total }
  ctx.state.changed()
}
