import type { SuperJSONResult } from 'superjson'
import type { JsonValue } from '../protocol'
import { sessionSerializer } from '../protocol/values'
import type { SnapshotConfig } from './snapshotConfig'
import type { Hole } from './snapshotErasure'
import { type KeptStreams, keepStreams, keptList, type StreamList } from './snapshotStreams'
import type { Checkpoint } from './types'

/**
 * A server snapshot's state in its three shapes: as stored (`Kept`, a checkpoint's state), as
 * folded in memory (`Live`), and as served (`ServedSnapshot`), with the conversions between them.
 */

/** A snapshot's checkpoint state: the version, the streams folded (snapshotStreams.ts), the state. */
export interface Kept extends KeptStreams {
  v: string
  s: SuperJSONResult
}

/** A folded state, as the runner keeps it in memory between saves. */
export interface Live {
  position: number
  state: unknown
  streams: StreamList
  /** The stored checkpoint's position this one replaces (compare-and-set), null for none. */
  saved: number | null
  unsaved: number
  /** The tenant's count of erasures when this state started (undefined: nothing personal). */
  erasures: number | undefined
  /** Dropped by a forget: its fold stops, and nothing of it is saved. */
  dropped?: boolean
  /** When it was loaded or last saved (performance.now()). */
  savedAt: number
}

/** A forget's hole being folded again, and how far (its own state, not the head's). */
export interface Refill {
  hole: Hole
  live?: Live
  tries: number
}

/** A snapshot as `GET /snapshots/<name>` serves it (before the protocol envelope). */
export interface ServedSnapshot {
  position: number
  state: JsonValue
  /** Stream versions; `more`: the snapshot folds streams left out of them. */
  streams: Record<string, number>
  more: boolean
  /** On a snapshot that never changes (the initial state's): its answer's text, made once. */
  encoded?: { text?: string }
}

/** What a checkpoint stores of a live state. */
export function keep(config: SnapshotConfig, live: Live): Kept {
  const s = sessionSerializer.serialize(live.state)
  return {
    v: String(config.version),
    ...keepStreams(live.streams, () => JSON.stringify(s).length),
    s,
  }
}

/** A live state from a checkpoint of this version, else from the initial state (position 0). */
export function liveFrom(
  config: SnapshotConfig,
  checkpoint: Checkpoint | undefined,
  erasures: number | undefined,
): Live {
  const kept = checkpoint?.state as Kept | undefined
  if (checkpoint && kept?.v === String(config.version)) {
    return {
      position: checkpoint.position,
      state: sessionSerializer.deserialize(kept.s),
      streams: keptList(kept),
      saved: checkpoint.position,
      unsaved: 0,
      erasures,
      savedAt: performance.now(),
    }
  }
  return {
    position: 0,
    state: config.initialState,
    streams: { streams: new Map(), more: false },
    saved: checkpoint?.position ?? null,
    unsaved: 0,
    erasures,
    savedAt: performance.now(),
  }
}

/** A checkpoint as served, if it holds this version's state. */
export function servedFrom(
  version: string,
  checkpoint: Checkpoint | undefined,
): ServedSnapshot | undefined {
  const kept = checkpoint?.state as Kept | undefined
  if (!checkpoint || kept?.v !== version) return undefined
  return {
    position: checkpoint.position,
    state: kept.s as unknown as JsonValue,
    streams: kept.streams ?? {},
    more: keptList(kept).more,
  }
}

/** The initial state as served at position 0 (made once per snapshot by the runner). */
export const initialServed = (config: SnapshotConfig): ServedSnapshot => ({
  position: 0,
  state: sessionSerializer.serialize(config.initialState) as unknown as JsonValue,
  streams: {},
  more: false,
  encoded: {},
})
