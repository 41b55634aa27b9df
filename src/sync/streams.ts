import type { EventEntry } from '@strata/state'
import type { SyncContext } from './context'
import type { ClaimedEvent } from './storage'

/**
 * What an event claimed for sending expects of its stream (optimistic concurrency).
 *
 * `expectedVersion` is the version of the stream its command saw: the stream's version in the
 * settled events (`seen`, learned from pulled `streamVersion`s) plus this tab's events of that
 * stream still unsettled before it. Those own events may yet be refused, and then the count
 * would match another writer's events by coincidence; so `dependsOn` names the oldest of them
 * (and of its command's earlier events) whose outcome this tab does not know, and the server
 * refuses the event if any event of this client from there on was refused. The refused command
 * is re-run on the new state (conflicts.ts).
 */
export interface Expectation {
  stream: string
  expectedVersion?: number | undefined
  dependsOn?: number | undefined
  /** The index of `dependsOn` within the claim, when it gets its seq in the same claim. */
  dependsOnIndex?: number | undefined
  seen?: number | undefined
  commandId?: string | undefined
}

/** Keeps a claimed event's seq and expectations: the claim's own, or one adopted from a closed tab. */
export function noteClaimed(ctx: SyncContext, e: ClaimedEvent): void {
  ctx.claimed.set(e.id, e.clientSeq)
  const { stream, expectedVersion, dependsOn, commandId } = e.wire
  const commandOf = commandId ?? undefined
  ctx.wire.set(e.id, { stream, expectedVersion, dependsOn, seen: e.seen, commandId: commandOf })
}

/** The stream's version new decisions start from. */
export function knownVersion(ctx: SyncContext, stream: string): number {
  return Math.max(ctx.versions.get(stream) ?? 0, ctx.floors.get(stream) ?? 0)
}

/** `streamOf`, with a broken one answered by the default stream (the event is refused later). */
export function streamOfEntry(ctx: SyncContext, entry: EventEntry): string {
  try {
    return ctx.streamOf(entry.event)
  } catch {
    return 'default'
  }
}

type Ref = { seq: number } | { index: number }

/** The expectations of `take` (the events about to be claimed, in log order). */
export function expectations(ctx: SyncContext, take: readonly EventEntry[]) {
  const out = new Map<string, Expectation>()
  const concurrent = ctx.concurrent()
  const index = new Map(take.map((e, i) => [e.id, i]))
  const before = new Map<string, number>()
  const oldest = new Map<string, Ref>()
  const oldestOfCommand = new Map<string, Ref>()
  for (const entry of ctx.replica.unsettled()) {
    const stream = streamOfEntry(ctx, entry)
    const i = index.get(entry.id)
    if (i !== undefined) {
      const expectation: Expectation = { stream, commandId: entry.commandId }
      if (concurrent) {
        const seen = knownVersion(ctx, stream)
        expectation.seen = seen
        expectation.expectedVersion = seen + (before.get(stream) ?? 0)
        const of = entry.commandId === undefined ? undefined : oldestOfCommand.get(entry.commandId)
        Object.assign(expectation, dependsOn(oldest.get(stream), of))
      }
      out.set(entry.id, expectation)
    }
    before.set(stream, (before.get(stream) ?? 0) + 1)
    // Stored (confirmed) events are counted but depended on no more: they cannot be refused.
    if (entry.position !== undefined) continue
    const seq = ctx.claimed.get(entry.id)
    const ref: Ref | undefined = i !== undefined ? { index: i } : seq ? { seq } : undefined
    if (!ref) continue
    if (!oldest.has(stream)) oldest.set(stream, ref)
    if (entry.commandId !== undefined && !oldestOfCommand.has(entry.commandId)) {
      oldestOfCommand.set(entry.commandId, ref)
    }
  }
  return out
}

/** The older of two references: a claimed seq is older than anything in this claim. */
function dependsOn(a: Ref | undefined, b: Ref | undefined) {
  const refs = [a, b].filter((r): r is Ref => r !== undefined)
  const seqs = refs.flatMap((r) => ('seq' in r ? [r.seq] : []))
  if (seqs.length) return { dependsOn: Math.min(...seqs) }
  const indexes = refs.flatMap((r) => ('index' in r ? [r.index] : []))
  return indexes.length ? { dependsOnIndex: Math.min(...indexes) } : {}
}
