import type { AnyEvent, EventEntry, Store } from '@strata/state'
import type { PulledEvent, Replica } from '../core/replica'
import { maxToken, type PositionToken } from '../protocol/index'
import type { PersonalData } from '../protocol/personal'
import type { RetryOptions, SyncClock } from './clock'
import type { ConflictState } from './conflicts'
import type { SyncError } from './errors'
import type { SettledHistory } from './history/settled'
import type { ServerLimits } from './limits'
import type { OutboxStorage } from './storage'
import type { Expectation } from './streams'
import type { Tabs } from './tabs'
import type { Transport } from './transport'
import type {
  ConfirmedBatch,
  EventCodec,
  RejectedEvent,
  StoredEventError,
  SyncBoot,
  SyncErrorRecord,
  SyncProgress,
} from './types'

const MAX_KEPT = 50

/** The mutable sync state the loops share; every change tells the subscribers. */
export class SyncState {
  position: PositionToken | undefined
  paused = false
  sender = false
  sendOffline = false
  pullOffline = false
  inFlight: { first: number; last: number } | undefined
  retry: { attempt: number; at: number } | undefined
  /** The error that stopped syncing until `resume()`. */
  error: SyncError | undefined
  lastSeq: number | undefined
  /** Where the store's settled state came from when this connection began. */
  boot: SyncBoot | undefined
  /** A long task under way (a re-fold from events, a page of earlier history): events done. */
  progress: SyncProgress | undefined
  /** Bumped by resume(): a failure of a request started before it is stale, not a new error. */
  epoch = 0
  readonly errors: SyncErrorRecord[] = []
  readonly rejected: RejectedEvent[] = []
  #listeners = new Set<() => void>()

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  changed(): void {
    for (const listener of [...this.#listeners]) listener()
  }

  advance(token: PositionToken | undefined): void {
    const next = maxToken(this.position, token)
    if (next !== this.position) {
      this.position = next
      this.changed()
    }
  }

  report(error: SyncError, at: number): void {
    this.errors.push({ at, error })
    if (this.errors.length > MAX_KEPT) this.errors.shift()
    this.changed()
  }

  noteRejected(event: RejectedEvent): void {
    this.rejected.push(event)
    if (this.rejected.length > MAX_KEPT) this.rejected.shift()
  }
}

export interface SyncConfig {
  maxEvents: number
  maxDelayMs: number
  retry: RetryOptions
  live: 'poll' | 'sse' | 'off'
  pollWaitMs: number
  pullLimit: number | undefined
  streams: readonly string[] | undefined
  idlePollMs: number
  /** Lease length without Web Locks; also how often the sender looks for closed tabs' events. */
  leaseMs: number
  requestTimeoutMs: number
  /** Which fields are personal, to scrub when the server says their subject was forgotten. */
  personal: PersonalData | undefined
}

/** What the outbox, sender and puller of one connection share. */
export interface SyncContext {
  store: Store<unknown, any, any>
  replica: Replica<any>
  storage: OutboxStorage
  transport: Transport
  /** Set once the outbox is open. */
  tabs: Tabs
  clientId: string
  /**
   * Every clientId this store has synced as, this connection's included: pulled events stored
   * under one of them keep their ids, all others get `remoteEventId` (see ids.ts).
   */
  ownClients: ReadonlySet<string>
  clock: SyncClock
  random: () => number
  codec: EventCodec
  streamOf: (event: AnyEvent) => string
  config: SyncConfig
  state: SyncState
  /**
   * The server's request limits once the sender has read them (`GET /limits`); undefined until
   * then, or when the server does not say.
   */
  limits?: ServerLimits | undefined
  /**
   * Every event up to this position is settled in the store (or folded into its base), and no
   * other: what a snapshot of the settled state is taken at, and where the puller reads after.
   */
  settledAt?: PositionToken | undefined
  /** Snapshots, pages and the window of the settled history (history/settled.ts). */
  history: SettledHistory
  /** This tab's claimed events (clientSeq by id): frozen, never re-derived on rebase. */
  claimed: Map<string, number>
  /** What the claimed events expect of their stream, by id (see streams.ts). */
  wire: Map<string, Expectation>
  /** Stream versions as of the settled events (from pulled `streamVersion`s). */
  versions: Map<string, number>
  /**
   * Versions a conflict said a stream has reached when pulling cannot show it (a stream this
   * client does not read): new expectations start there.
   */
  floors: Map<string, number>
  /** Expect stream versions (optimistic concurrency); false when off or without handlers. */
  concurrent: () => boolean
  /** Refused events waiting for the pull that lets their commands be re-run. */
  conflicts: ConflictState
  /** Set once the puller has caught up with the server. */
  caughtUp?: boolean
  /**
   * Drafts put back from the outbox before this page caught up: decided on another page's state,
   * they are decided again (and may be claimed) only once this one has the server's events.
   */
  undecided: Set<string>
  /** Drafts were let go (undecided, held or doomed ones decided again): claim them at once. */
  released?: boolean
  /** Pulls started so far: a pull that started after a refusal may stand for it. */
  pulls: number
  /** Pull now, ending a long poll. */
  pullNow(): void
  /** Enqueues a storage write behind the outbox's others. */
  write(work: () => Promise<void>): void
  onError: ((error: StoredEventError) => void) | undefined
  /** Ids of stored events whose reducer error was reported (once each). */
  reportedErrors: Set<string>
  /**
   * Storage holds drafts under this tab: as the last write of them left it (this tab's mirror or
   * claim, an adoption into this tab; a failed one is rolled back). A new tab id each connection
   * starts with none, so an empty draft list is written only to delete stored ones.
   */
  draftsKept?: boolean
  /** Subjects whose fields this tab has scrubbed: pulled events of theirs are scrubbed too. */
  forgotten?: Set<string>
  /** The erasure scrubs of this tab, one after the other (erasure.ts). */
  erasing?: Promise<void>
  /** Claimed events adopted from a closed tab: their confirmation may have gone to that tab. */
  adopted: Set<string>
  frozen: (entry: EventEntry) => boolean
  /** Aborts when the connection closes. */
  signal: AbortSignal
  /**
   * The store's log changed under sync's own hands (confirm, pull, reject, restore): keep the
   * drafts durable and the snapshot fresh even when the viewed state did not move (a cursor in
   * the past), so no store listener fired.
   */
  logChanged(): void
  emitConfirm(batch: ConfirmedBatch): void
  emitPull(events: readonly PulledEvent[]): void
  /** Tell the other tabs (no-op without BroadcastChannel). */
  broadcast(message: TabMessage): void
  /** Ask the app for a fresh credential; false when it cannot. Shared by the loops. */
  refreshAuth(error: SyncError): Promise<boolean>
}

/** Messages between tabs sharing an outbox. */
export type TabMessage =
  | { kind: 'claimed' }
  /** A tab scrubbed an erasure from storage: the others catch up (see `OutboxStorage.scrub`). */
  | { kind: 'forgotten' }
  | {
      kind: 'results'
      token: PositionToken
      results: {
        id: string
        owner: string
        clientSeq: number
        stream: string
        type: string
        position?: PositionToken | undefined
        error?: unknown
      }[]
    }
