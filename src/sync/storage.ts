import { uuid } from '../core/ids'
import type { RestoredCommand, WireEvent as StoreEvent } from '../core/replica'
import type { WireErrorBody, WireEvent } from '../protocol/index'
import { SyncError } from './errors'
import type { HistoryStorage } from './history/records'

/** A local event not yet given a clientSeq: its owner tab may still re-derive it. */
export interface DraftEvent {
  id: string
  event: StoreEvent
  at: number
  commandId: string | undefined
  /** The command that made it, so another page can re-run it on a newer state. */
  command?: RestoredCommand | undefined
}

/** The wire fields fixed at claim time, so a resend after a reload is byte for byte the same. */
export type WireFields = Omit<WireEvent, 'clientSeq'>

/** What `claim` is given: the wire fields, and the version of the stream its command saw. */
export interface ClaimInput extends DraftEvent {
  wire: WireFields
  /**
   * The index in this claim of the oldest event it depends on, when that one gets its clientSeq
   * in the same claim: `wire.dependsOn` is set from it, since seqs are handed out only here.
   */
  dependsOnIndex?: number | undefined
  /** The stream version the command saw, before its own earlier events (for conflict reports). */
  seen?: number | undefined
}

/** A local event given a clientSeq: frozen from then on, sent until the server processed it. */
export interface ClaimedEvent extends Omit<ClaimInput, 'dependsOnIndex'> {
  clientSeq: number
  /** The tab that made it; it restores, confirms and rejects the event in its store. */
  owner: string
  /** The server refused it; kept until its owner has taken the rejection. */
  rejected?: WireErrorBody
  /**
   * Re-decided by its owner, which knew the server must refuse it (its stream moved past it):
   * still sent, as its clientSeq must be, but its event lives on as a draft of the new decision.
   */
  superseded?: true
}

/** Gives `events` consecutive seqs from `first`, resolving `dependsOnIndex`. */
export function numbered(
  events: readonly ClaimInput[],
  owner: string,
  first: number,
): ClaimedEvent[] {
  return events.map(({ dependsOnIndex, ...e }, i) => {
    const record: ClaimedEvent = { ...e, owner, clientSeq: first + i }
    if (dependsOnIndex !== undefined) {
      record.wire = { ...e.wire, dependsOn: first + dependsOnIndex }
    }
    return record
  })
}

/** What the server decided for one sent event. */
export interface Outcome {
  clientSeq: number
  /** Keep the record, marked rejected, for an owner that is not the sending tab. */
  rejected?: WireErrorBody | undefined
}

export interface Adopted {
  claimed: ClaimedEvent[]
  drafts: DraftEvent[]
}

/**
 * Where the outbox lives: IndexedDB in browsers, memory otherwise. Every method is one atomic
 * step, so tabs sharing a database never see half of another's write.
 */
export interface OutboxStorage {
  readonly durable: boolean
  /** The last `open` made the database: nothing was kept before (a fresh device). */
  readonly created?: boolean
  /**
   * The clientId kept beside the outbox, made on first open; `wanted` replaces it if allowed.
   * `snapshot`: the version whose snapshot the boot reads next (read in the same transaction).
   */
  open(wanted?: string, snapshot?: string): Promise<string>
  /** Replaces `owner`'s drafts: its pending local events without a clientSeq, in log order. */
  saveDrafts(owner: string, drafts: readonly DraftEvent[]): Promise<void>
  /** Gives `events` the next clientSeqs and keeps `rest` as the owner's drafts, atomically. */
  claim(
    owner: string,
    events: readonly ClaimInput[],
    rest: readonly DraftEvent[],
  ): Promise<ClaimedEvent[]>
  /** Marks claimed events as superseded (they are still sent; see `ClaimedEvent.superseded`). */
  supersede(seqs: readonly number[]): Promise<void>
  /** Claimed events the server has not processed, by clientSeq, rejected ones left out. */
  unsent(limit: number): Promise<ClaimedEvent[]>
  settle(outcomes: readonly Outcome[]): Promise<void>
  /**
   * The owner's rejected events, removed as they are returned. Only an outbox shared by tabs
   * (`durable`) keeps another tab's rejections, and needs leases (the next three): the memory
   * outbox has one tab and does neither.
   */
  takeRejected?(owner: string): Promise<ClaimedEvent[]>
  /** Owners with drafts or claimed events stored. */
  owners(): Promise<string[]>
  /** Moves the drafts and claimed events of `from` (tabs that are gone) to `owner`. */
  adopt(owner: string, from: readonly string[]): Promise<Adopted>
  /** The server has processed up to `lastSeq`: new claims start after it. */
  advanceSeq(lastSeq: number): Promise<void>
  /** Takes or renews a lease (the fallback for Web Locks); false while another holds it. */
  lease?(name: string, holder: string, ttlMs: number, now: number): Promise<boolean>
  releaseLease?(name: string, holder: string): Promise<void>
  /** Names of leases not expired at `now`. */
  liveLeases?(now: number): Promise<string[]>
  /**
   * Erasure: `rewrite` each draft and claimed event (its new value, or undefined to keep it),
   * drop the snapshots and pages of settled history, and count the erasure with its `subjects`,
   * in one transaction. Shared storage (IndexedDB) then refuses every write of what the tabs hold
   * in memory (drafts, claims, snapshots, pages) with `STALE` from a tab that has not caught up
   * (`caughtUp`) with each erasure counted since it opened: its memory may still hold plaintext.
   */
  scrub?(
    rewrite: <R extends DraftEvent | ClaimedEvent>(record: R) => R | undefined,
    subjects: readonly string[],
  ): Promise<void>
  /**
   * The subjects of the erasures counted since this tab last caught up, given to `scrub` (which
   * scrubs the tab's memory of them); writes are taken again once it has resolved.
   */
  caughtUp?(scrub: (subjects: string[]) => Promise<void>): Promise<void>
  /** Snapshots and pages of settled history, in the same database; none when not durable. */
  readonly history?: HistoryStorage | undefined
  close(): void
}

/**
 * Why a write was refused: another tab scrubbed an erasure this tab's memory may not have been
 * (a SyncError, so a failed claim passes it on as it is).
 */
export const STALE = new SyncError('storage', 'storage', 'Another tab erased data first.')

export function outboxOwnedError(stored: string, wanted: string): Error {
  return new Error(
    `[strata] The outbox holds unsent events of clientId ${JSON.stringify(stored)}, so it cannot ` +
      `switch to ${JSON.stringify(wanted)}. Let it send first, or leave \`clientId\` out.`,
  )
}

/** The outbox in memory: what `persist: false` uses; one tab, lost on reload. */
export function memoryStorage(): OutboxStorage {
  let clientId: string | undefined
  let nextSeq = 1
  const drafts = new Map<string, DraftEvent[]>()
  const claimed = new Map<number, ClaimedEvent>()
  const sorted = () => [...claimed.values()].sort((a, b) => a.clientSeq - b.clientSeq)
  return {
    durable: false,
    async open(wanted) {
      if (wanted !== undefined && clientId !== undefined && wanted !== clientId) {
        if (claimed.size) throw outboxOwnedError(clientId, wanted)
        nextSeq = 1
      }
      clientId = wanted ?? clientId ?? uuid()
      return clientId
    },
    async saveDrafts(owner, list) {
      if (list.length) drafts.set(owner, [...list])
      else drafts.delete(owner)
    },
    async claim(owner, events, rest) {
      const made = numbered(events, owner, nextSeq)
      nextSeq += made.length
      for (const e of made) claimed.set(e.clientSeq, e)
      await this.saveDrafts(owner, rest)
      return made
    },
    async supersede(seqs) {
      for (const seq of seqs) {
        const record = claimed.get(seq)
        if (record) record.superseded = true
      }
    },
    async unsent(limit) {
      return sorted()
        .filter((e) => !e.rejected)
        .slice(0, limit)
    },
    async settle(outcomes) {
      for (const o of outcomes) {
        const record = claimed.get(o.clientSeq)
        if (record && o.rejected) record.rejected = o.rejected
        else claimed.delete(o.clientSeq)
      }
    },
    async owners() {
      return [...new Set([...drafts.keys(), ...[...claimed.values()].map((e) => e.owner)])]
    },
    async adopt(owner, from) {
      const gone = new Set(from)
      const adopted: Adopted = { claimed: [], drafts: [] }
      for (const e of sorted()) {
        if (!gone.has(e.owner)) continue
        e.owner = owner
        adopted.claimed.push(e)
      }
      for (const id of from) {
        adopted.drafts.push(...(drafts.get(id) ?? []))
        drafts.delete(id)
      }
      if (adopted.drafts.length)
        drafts.set(owner, [...(drafts.get(owner) ?? []), ...adopted.drafts])
      return adopted
    },
    async advanceSeq(lastSeq) {
      nextSeq = Math.max(nextSeq, lastSeq + 1)
    },
    async scrub(rewrite) {
      for (const [k, e] of claimed) claimed.set(k, rewrite(e) ?? e)
      for (const [k, list] of drafts)
        drafts.set(
          k,
          list.map((e) => rewrite(e) ?? e),
        )
    },
    close() {},
  }
}
