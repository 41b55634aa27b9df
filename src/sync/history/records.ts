import type { EventEntry, RecordedCtx } from '@strata/state'
import { commandEntry, eventEntry } from '../../core/entries'
import type { Page } from '../../core/window'
import { isToken, type PositionToken } from '../../protocol/index'

/**
 * What the sync client keeps of the settled history in the outbox's database, beside the
 * outbox: one snapshot per code version (the settled state, where it is in the history) and
 * pages of settled events, so a reload starts from the snapshot and `history.loadEarlier` pages
 * back without the server. The state before each page is kept apart from its events (a state
 * can be far larger than a page of events): paging back reads the events of every page it
 * extends the window by, and only the one state below the lowest. Both are caches of the
 * server's events, never the truth: anything missing or unusable is read from the server again.
 * Values are kept by IndexedDB's structured clone, so Map, Set, Date and BigInt survive; a
 * snapshot's state that is plain JSON is kept as its JSON text instead (format 2), as reading a
 * string back and parsing it is several times faster than cloning the same objects back (a
 * 1,000-card board in Chromium), and a reload waits for it.
 */

export const SNAPSHOT_FORMAT = 'strata.snapshot'
/** Written now; format 1 (always a cloned state) is still read. */
export const SNAPSHOT_FORMAT_VERSION = 2

export interface SnapshotRecord {
  format: typeof SNAPSHOT_FORMAT
  formatVersion: 1 | 2
  /** `createStore({ version })`, as a string: the key. */
  version: string
  /** Every event up to this position is folded into `state`, and no other. */
  position: PositionToken
  /** History index of the state: how many events it folds (rejected local ones included). */
  count: number
  /** The state, as cloned; unset when `json` holds it. */
  state?: unknown
  /** Format 2: the state as JSON text, when JSON keeps it whole (see `jsonText`). */
  json?: string
  /** Each stream's version in the settled events (optimistic concurrency starts from it). */
  streams: Record<string, number>
  savedAt: number
}

/** An event entry as a page keeps it; errors are kept as their name and message. */
export interface StoredEntry {
  id: string
  event: EventEntry['event']
  at: number
  commandId: string | undefined
  origin: 'local' | 'remote'
  position: string | undefined
  rejected: { name: string; message: string } | undefined
}

export interface StoredCommand {
  id: string
  command: EventEntry['event']
  at: number
  ctx: unknown
  eventIds: string[]
}

/** Settled events `start` (exclusive) to `end` (inclusive), by position. */
export interface PageRecord {
  version: string
  /** Position of the state before the first event; START_TOKEN for the first page. */
  start: PositionToken
  /** Position of the state after the last event: where the next page starts. */
  end: PositionToken
  /** History index of the first event when written (the numbering may differ after a reload). */
  from: number
  events: StoredEntry[]
  commands: StoredCommand[]
}

/** Pages that follow each other, lowest first, and the state before the first. */
export interface EarlierPages {
  pages: PageRecord[]
  base: unknown
}

/** The snapshots and pages of one database; the outbox's storage provides it when durable. */
export interface HistoryStorage {
  /**
   * The snapshot kept for `version`, else one of another version (so the caller can warn that
   * it is not used), as stored: check it with `snapshotProblem`.
   */
  loadSnapshot(version: string): Promise<unknown>
  /**
   * Keeps the snapshot (unless a newer one of its version is there) and, in the same
   * transaction, the page of the events it folds since the last full page (with the state
   * before it, `base`), and removes the
   * outbox's claimed events the server already stored at or before it (`settledSeqs`): a reload
   * from this snapshot never sends or applies them again.
   */
  saveSnapshot(
    snapshot: SnapshotRecord,
    tail: { page: PageRecord; base: unknown } | undefined,
    settledSeqs: readonly number[],
  ): Promise<void>
  /**
   * Keeps a page and the state before it (`base`); pages of its version with the same start and
   * an earlier end are replaced.
   */
  savePage(page: PageRecord, base: unknown): Promise<void>
  /**
   * The pages of `version` that end at `end` and below it, one after the other down to at least
   * `count` events (or the first page, or the last page kept), with the state before the lowest;
   * undefined when no page ends at `end`. One read, whatever the number of pages.
   */
  pagesEndingAt(
    version: string,
    end: PositionToken,
    count: number,
  ): Promise<EarlierPages | undefined>
  /** Keeps the `keep` newest pages of `version` and no page of another version. */
  prune(version: string, keep: number): Promise<void>
  /** Forgets every snapshot and page (the server was reset; erasure). */
  clear(): Promise<void>
}

/** Why a stored snapshot cannot be used, or undefined when it can. */
export function snapshotProblem(raw: unknown, version: string): string | undefined {
  if (raw === undefined) return undefined
  if (typeof raw !== 'object' || raw === null) return `it is ${typeof raw}, not a snapshot record`
  const r = raw as Partial<SnapshotRecord>
  if (r.format !== SNAPSHOT_FORMAT || ![1, 2].includes(r.formatVersion!)) {
    return `its format is ${JSON.stringify(r.format)} ${JSON.stringify(r.formatVersion)}, not "${SNAPSHOT_FORMAT}" 1 or 2`
  }
  if (r.version !== version) {
    return `it was folded by version ${JSON.stringify(r.version)} of the reducer, this is ${JSON.stringify(version)}`
  }
  if (
    !isToken(r.position) ||
    !Number.isSafeInteger(r.count) ||
    (r.count as number) < 0 ||
    !('state' in r || typeof r.json === 'string')
  ) {
    return 'its position, event count or state is missing or malformed (a truncated record?)'
  }
  return undefined
}

/** The state of a record `snapshotProblem` passed; throws when its JSON text does not parse. */
export const recordState = (r: SnapshotRecord): unknown =>
  r.json === undefined ? r.state : JSON.parse(r.json)

/**
 * The state as JSON text when JSON gives back the same values (null, strings, booleans, finite
 * numbers but -0, arrays and objects made by Object), else undefined (a Map, Set, Date, BigInt,
 * undefined, a class instance): those are kept by structured clone. The replacer sees each value
 * before `toJSON`.
 */
export function jsonText(state: unknown): string | undefined {
  try {
    return JSON.stringify(state, function (this: Record<string, unknown>, key) {
      const v = this[key]
      if (
        v !== null &&
        !(typeof v === 'number'
          ? Number.isFinite(v) && !Object.is(v, -0)
          : [Object, Array, String, Boolean].includes(
              (v as object | undefined)?.constructor as never,
            ))
      )
        throw 0
      return v
    })
  } catch {
    return undefined
  }
}

export function toStoredEntry(e: EventEntry): StoredEntry {
  const rejected = e.rejected as { name?: unknown; message?: unknown } | undefined
  return {
    id: e.id,
    event: e.event,
    at: e.at,
    commandId: e.commandId,
    origin: e.origin,
    position: e.position,
    rejected:
      e.rejected === undefined
        ? undefined
        : { name: String(rejected?.name ?? 'Error'), message: String(rejected?.message ?? '') },
  }
}

/** A stored entry back as a log entry (the page's events go back into the store as they were). */
export function fromStoredEntry(s: StoredEntry): Page<unknown>['events'][number] {
  // Not skipped: a skip is a devtools what-if, never kept (the page holds the server's facts).
  const entry = eventEntry(s.id, s.event, s.at, s.commandId, s.origin, s.position)
  entry.rejected =
    s.rejected && Object.assign(new Error(s.rejected.message), { name: s.rejected.name })
  return entry
}

export function toStoredCommand(c: Page<unknown>['commands'][number]): StoredCommand {
  return { id: c.id, command: c.command, at: c.at, ctx: c.ctx, eventIds: [...c.eventIds] }
}

export function fromStoredCommand(c: StoredCommand): Page<unknown>['commands'][number] {
  return Object.assign(commandEntry(c.id, c.command, c.at), {
    ctx: c.ctx as RecordedCtx | undefined,
    eventIds: c.eventIds,
  })
}
