/**
 * The stream versions a server snapshot lists, so that a device booted from it expects the right
 * version when it writes to a stream (without one, its first write there is refused as stale and
 * re-run after a pull: a conflict round). They are kept in the order the streams were last
 * written and trimmed from the least recently written: at least `STREAMS_LISTED` of them, and more
 * while the list is no larger than the state it comes with. The response then grows with the
 * state (an entity written since is listed), not with the history (streams of entities long
 * gone). A list that was trimmed says so (`more`): only principals who read every stream may
 * have such a snapshot, as it may fold streams it no longer names.
 */
export const STREAMS_LISTED = 1000

export interface StreamList {
  /** Version of each listed stream, least recently written first. */
  streams: Map<string, number>
  /** Streams folded in were left out of `streams`. */
  more: boolean
}

/** As a checkpoint keeps the list (`streams: null` before `more`: too many to list). */
export interface KeptStreams {
  streams: Record<string, number> | null
  more?: true
}

export function noteStream(list: StreamList, stream: string, version: number): void {
  list.streams.delete(stream)
  list.streams.set(stream, version)
}

/**
 * Trims `list` to its budget (`stateBytes`: the size of the state's JSON, asked only when more
 * than `STREAMS_LISTED` streams are listed: a state is large to measure), as kept.
 */
export function keepStreams(list: StreamList, stateBytes: () => number): KeptStreams {
  const entries = [...list.streams]
  const budget = entries.length > STREAMS_LISTED ? stateBytes() : 0
  let bytes = 0
  let from = entries.length
  while (from > 0) {
    const [stream, version] = entries[from - 1]!
    const size = stream.length + String(version).length + 4
    if (entries.length - from >= STREAMS_LISTED && bytes + size > budget) break
    bytes += size
    from--
  }
  for (let i = 0; i < from; i++) list.streams.delete(entries[i]![0])
  if (from > 0) list.more = true
  // Integer-like names come first in an object: their order of writing is lost when reloaded.
  const kept: KeptStreams = { streams: Object.fromEntries(list.streams) }
  if (list.more) kept.more = true
  return kept
}

export function keptList(kept: KeptStreams): StreamList {
  return {
    streams: new Map(Object.entries(kept.streams ?? {})),
    more: kept.streams === null || kept.more === true,
  }
}
