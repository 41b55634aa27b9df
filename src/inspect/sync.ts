import type { EventEntry, Store } from '@strata/state'
import { toErrorInfo } from './errors'
import type { SyncOutboxRow, SyncRead, SyncRejectedRow, SyncSnapshot } from './protocol'
import { eventRow } from './rows'

/** What a sync client's own snapshot may tell; `@strata/state/sync`'s `getSnapshot()` fits. */
export interface SyncClientSnapshot {
  paused?: boolean
  clientId?: string | undefined
  sender?: boolean
  durable?: boolean
  lastSeq?: number | undefined
  retry?: { attempt: number; at: number } | undefined
  outbox?: readonly { id: string; type: string; clientSeq?: number | undefined; state?: string }[]
  rejected?: readonly { id: string; type: string; error: unknown }[]
  errors?: readonly { at: number; error: unknown }[]
  error?: unknown
  progress?: { task: string; done: number; total: number } | undefined
}

/**
 * What the Sync tab needs from a sync client. `@strata/state/sync`'s `Sync` fits as it is;
 * another client needs only `status` and `subscribe` (the outbox then defaults to the store's
 * local events no server has stored, and rejections to those marked on the log).
 */
export interface SyncInspectable {
  /** 'idle', 'sending', 'offline', 'error', or whatever the client reports. */
  readonly status: string
  /** The newest position token the client has seen. */
  readonly position?: string | undefined
  subscribe(listener: () => void): () => void
  getSnapshot?(): SyncClientSnapshot
  pause?(): void
  resume?(): void
  /** Read-your-writes reads: the position each waited for, and how long. */
  reads?(): readonly SyncRead[]
}

const ROWS = 200

/** Rows for ids at the end of the log (where pending and lately rejected events are). */
function rowsById(events: readonly EventEntry[], ids: readonly string[], base: number) {
  const wanted = new Set(ids)
  const found = new Map<string, ReturnType<typeof eventRow>>()
  for (let i = events.length - 1; i >= 0 && found.size < wanted.size; i--) {
    const e = events[i]!
    if (wanted.has(e.id)) found.set(e.id, eventRow(e, base + i))
  }
  return found
}

export function syncSnapshot(store: Store<any, any, any>, sync: SyncInspectable): SyncSnapshot {
  const events = store.logs.events
  const own = sync.getSnapshot?.() ?? {}
  // Without a sync snapshot: local events no server has stored or refused.
  const outbox = (own.outbox ?? pendingOf(store)).slice(0, ROWS)
  let rejected = own.rejected?.slice(-ROWS)
  if (!rejected) {
    const marked: { id: string; type: string; error: unknown }[] = []
    for (let i = events.length - 1; i >= 0 && marked.length < ROWS; i--) {
      const e = events[i]!
      if (e.rejected !== undefined) marked.unshift({ id: e.id, type: e.type, error: e.rejected })
    }
    rejected = marked
  }
  const rows = rowsById(
    events,
    [...outbox.map((e) => e.id), ...rejected.map((e) => e.id)],
    store.history.start,
  )
  const { progress } = own
  return {
    ...(progress && { progress: { ...progress } }),
    status: sync.status,
    paused: own.paused ?? false,
    position: sync.position,
    clientId: own.clientId,
    sender: own.sender,
    durable: own.durable,
    lastSeq: own.lastSeq,
    retry: own.retry,
    outbox: outbox.map(
      (e): SyncOutboxRow => ({
        row: rows.get(e.id),
        id: e.id,
        type: e.type,
        clientSeq: 'clientSeq' in e ? e.clientSeq : undefined,
        state: 'state' in e && typeof e.state === 'string' ? e.state : undefined,
      }),
    ),
    rejected: rejected.map(
      (e): SyncRejectedRow => ({
        row: rows.get(e.id),
        id: e.id,
        type: e.type,
        error: toErrorInfo(e.error),
      }),
    ),
    errors: (own.errors ?? []).slice(-20).map((e) => ({ at: e.at, error: toErrorInfo(e.error) })),
    reads: sync.reads ? [...sync.reads()].slice(-ROWS) : [],
    error: toErrorInfo(own.error),
  }
}

function pendingOf(store: Store<any, any, any>): readonly EventEntry[] {
  return store.logs.events.filter(
    (e) => e.origin === 'local' && e.position === undefined && e.rejected === undefined,
  )
}
