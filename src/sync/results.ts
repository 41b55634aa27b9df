import { type PositionToken, StrataWireError, type WireErrorBody } from '../protocol/index'
import type { SyncContext, TabMessage } from './context'
import type { Adopted } from './storage'
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
  let rejected = false
  const mine = results.filter((r) => r.owner === tabs.tabId)
  // Only the unsettled events can be this batch's: never scan the whole log.
  const entries = new Map(replica.unsettled().map((e) => [e.id, e]))
  const stored: { id: string; position: PositionToken }[] = []
  for (const r of mine) {
    if (r.position === undefined) continue
    stored.push({ id: r.id, position: r.position })
    claimed.delete(r.id)
    const { id, type, stream, clientSeq, position } = r
    const event = entries.get(id)?.event ?? { type }
    confirmed.push({ id, type, stream, clientSeq, position, event })
  }
  // Confirmed before any rejection rebases: a stored event is never re-run.
  replica.confirmAll(stored)
  for (const r of mine) {
    if (r.position !== undefined || r.error === undefined) continue
    rejectOwn(ctx, r.id, r.type, r.clientSeq, r.error as WireErrorBody)
    rejected = true
  }
  // Neither position nor error: stored earlier under another clientSeq (`duplicate_id`); it stays
  // frozen and settles when the puller brings it.
  ctx.logChanged()
  if (confirmed.length) ctx.emitConfirm({ token, events: confirmed })
  if (rejected && ctx.storage.durable) void collectRejections(ctx)
}

function rejectOwn(
  ctx: SyncContext,
  id: string,
  type: string,
  clientSeq: number | undefined,
  body: WireErrorBody,
) {
  const entry = ctx.replica.unsettled().find((e) => e.id === id)
  if (!entry) return
  const error = StrataWireError.fromBody(body)
  ctx.claimed.delete(id)
  ctx.state.noteRejected({ id, type, clientSeq, error })
  ctx.replica.reject(id, error, { frozen: ctx.frozen })
}

/**
 * Rejections the sending tab left in storage for this tab: the durable path, for when the
 * broadcast was missed or this tab adopted a closed tab's events.
 */
export async function collectRejections(ctx: SyncContext): Promise<void> {
  const taken = await ctx.storage.takeRejected(ctx.tabs.tabId).catch(() => [])
  for (const e of taken) {
    if (!ctx.replica.has(e.id)) {
      ctx.replica.restore([{ id: e.id, event: e.event, at: e.at, commandId: e.commandId }])
    }
    rejectOwn(ctx, e.id, e.event.type, e.clientSeq, e.rejected!)
  }
  if (taken.length) ctx.logChanged()
}

/** Puts the unsent events of closed tabs (a reload's previous page) back into this store. */
export async function adoptGone(ctx: SyncContext): Promise<void> {
  const { storage, tabs } = ctx
  const gone = await tabs.gone(await storage.owners())
  if (gone.length) restore(ctx, await storage.adopt(tabs.tabId, gone))
  if (storage.durable) await collectRejections(ctx)
}

function restore(ctx: SyncContext, adopted: Adopted) {
  const back = []
  for (const e of adopted.claimed) {
    if (e.rejected) continue
    ctx.claimed.set(e.id, e.clientSeq)
    ctx.adopted.add(e.id)
    if (!ctx.replica.has(e.id)) back.push(e)
  }
  for (const e of adopted.drafts) if (!ctx.replica.has(e.id)) back.push(e)
  ctx.replica.restore(
    back.map((e) => ({ id: e.id, event: e.event, at: e.at, commandId: e.commandId })),
  )
  ctx.logChanged()
}
