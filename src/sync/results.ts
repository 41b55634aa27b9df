import type { RestoredEvent } from '../core/replica'
import {
  compareTokens,
  type PositionToken,
  StrataWireError,
  type WireErrorBody,
} from '../protocol/index'
import { holdRefused, rejectRefused, restoreEvents, settle } from './conflicts'
import type { SyncContext, TabMessage } from './context'
import type { Adopted, DraftEvent } from './storage'
import { noteClaimed } from './streams'
import type { ConfirmedEvent } from './types'

type Result = Extract<TabMessage, { kind: 'results' }>['results'][number]

/**
 * Applies the server's decisions to this tab's store: stored events get their position, refused
 * ones are settled as rejected with the server's typed error (their effects undone by the
 * rebase). Events of other tabs are theirs to apply. The sender calls it with its response; the
 * other tabs with the sender's broadcast.
 */
export function applyResults(ctx: SyncContext, token: PositionToken, results: readonly Result[]) {
  const { replica, claimed, state, tabs } = ctx
  state.advance(token)
  const confirmed: ConfirmedEvent[] = []
  // A result is this tab's while the event is claimed under that seq; a superseded claim's
  // result is not (its event was decided again and is claimed anew, or lost).
  const mine = results.filter((r) => r.owner === tabs.tabId && claimed.get(r.id) === r.clientSeq)
  // Only the unsettled events can be this batch's: never scan the whole log.
  const entries = new Map(replica.unsettled().map((e) => [e.id, e]))
  const stored: { id: string; position: PositionToken }[] = []
  for (const r of mine) {
    if (r.position === undefined) continue
    stored.push({ id: r.id, position: r.position })
    claimed.delete(r.id)
    ctx.wire.delete(r.id)
    const { id, type, stream, clientSeq, position } = r
    const event = entries.get(id)?.event ?? { type }
    confirmed.push({ id, type, stream, clientSeq, position, event })
  }
  // Confirmed before any rejection rebases: a stored event is never re-run.
  replica.confirmAll(stored)
  // Stored at or before the snapshot the store started from, in a stream it pulls: the
  // snapshot already holds it (the first answer was lost), so it is not applied a second time.
  const heldTo = ctx.history.heldTo
  const pulls = (stream: string) => !ctx.config.streams || ctx.config.streams.includes(stream)
  const held = heldTo
    ? mine
        .filter((r) => r.position !== undefined && compareTokens(r.position, heldTo) <= 0)
        .filter((r) => pulls(r.stream))
        .map((r) => r.id)
    : []
  if (held.length) replica.drop(held, { frozen: ctx.frozen })
  // Neither position nor error: stored earlier under another clientSeq (`duplicate_id`); it stays
  // frozen and settles when the puller brings it.
  const refusals = mine.filter((r) => r.position === undefined && r.error !== undefined)
  refuse(ctx, refusals as Refusal[])
  ctx.logChanged()
  if (confirmed.length) ctx.emitConfirm({ token, events: confirmed })
  if (refusals.length && ctx.storage.durable) void collectRejections(ctx)
}

type Refusal = { id: string; type: string; clientSeq: number; error: WireErrorBody }

/**
 * Stale events (`version_conflict`) are held until their commands can be re-run; any other
 * refusal settles the event as rejected, with the server's typed error.
 */
function refuse(ctx: SyncContext, refusals: readonly Refusal[]) {
  let now = false
  let later = false
  for (const r of refusals) {
    if (r.error.code === 'version_conflict') {
      if (holdRefused(ctx, r.id, r.clientSeq, r.error)) now = true
      else later = true
      continue
    }
    if (!ctx.replica.unsettled().some((e) => e.id === r.id)) continue
    const error = StrataWireError.fromBody(r.error)
    ctx.state.noteRejected({ id: r.id, type: r.type, clientSeq: r.clientSeq, error })
    rejectRefused(ctx, r.id, r.clientSeq, error)
  }
  if (now) settle(ctx, [], false, ctx.pulls)
  if (later) ctx.pullNow()
}

/**
 * Rejections the sending tab left in storage for this tab: the durable path, for when the
 * broadcast was missed or this tab adopted a closed tab's events.
 */
export async function collectRejections(ctx: SyncContext): Promise<void> {
  // Only a shared outbox (durable) keeps rejections for another tab.
  const taken = await ctx.storage.takeRejected!(ctx.tabs.tabId).catch(() => [])
  const refusals: Refusal[] = []
  for (const e of taken) {
    if (e.superseded) continue
    // Claimed under that seq (the broadcast was missed), or a closed tab's event not restored
    // yet; any other was handled already, or decided again since.
    if (!ctx.replica.has(e.id)) {
      ctx.claimed.set(e.id, e.clientSeq)
      restoreEvents(ctx, [restored(e)])
    } else if (ctx.claimed.get(e.id) !== e.clientSeq) continue
    refusals.push({ id: e.id, type: e.event.type, clientSeq: e.clientSeq, error: e.rejected! })
  }
  refuse(ctx, refusals)
  if (taken.length) ctx.logChanged()
}

/** Puts the unsent events of closed tabs (a reload's previous page) back into this store. */
export async function adoptGone(ctx: SyncContext): Promise<void> {
  const { storage, tabs } = ctx
  const owners = await storage.owners()
  // Nothing stored (the usual reload): nothing to adopt, no rejection left for anyone.
  if (!owners.length) return
  const gone = await tabs.gone(owners)
  if (gone.length) restore(ctx, await storage.adopt(tabs.tabId, gone))
  if (storage.durable) await collectRejections(ctx)
}

function restore(ctx: SyncContext, adopted: Adopted) {
  const back: DraftEvent[] = []
  // A superseded claim is still sent, but its event lives on as a draft of the new decision.
  const drafts = new Set(adopted.drafts.map((e) => e.id))
  for (const e of adopted.claimed) {
    if (e.rejected || e.superseded || drafts.has(e.id)) continue
    noteClaimed(ctx, e)
    ctx.adopted.add(e.id)
    if (!ctx.replica.has(e.id)) back.push(e)
  }
  // Stored under this tab now, even those not put back: the next mirror must rewrite them.
  if (adopted.drafts.length) ctx.draftsKept = true
  for (const e of adopted.drafts) if (!ctx.replica.has(e.id)) back.push(e)
  restoreEvents(ctx, back.map(restored))
  ctx.logChanged()
}

function restored(e: DraftEvent): RestoredEvent {
  return { id: e.id, event: e.event, at: e.at, commandId: e.commandId, command: e.command }
}
