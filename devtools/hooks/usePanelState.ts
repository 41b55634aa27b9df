import type { EventQuery, InspectClient, Meta, Path } from '@strata/state/inspect'
import { useCallback, useEffect, useMemo, useState } from 'react'
import type { TabName } from '../Inspector'
import { NOTHING_RELATED, type Related, type Selection } from '../selection'
import { useRequest } from './useClient'
import { useSearch } from './useSearch'
import { useThrottled } from './useThrottled'

interface Reveal {
  commands?: number | undefined
  events?: number | undefined
  states?: number | undefined
}

/** Everything the panel remembers between renders: selection, filter, watched path, tab. */
export function usePanelState(client: InspectClient, meta: Meta) {
  const [selection, setSelection] = useState<Selection | undefined>()
  const [tab, setTab] = useState<TabName>('details')
  const [query, setQuery] = useState<EventQuery>({})
  const [watch, setWatch] = useState<Path | undefined>()
  const [bisectPath, setBisectPath] = useState<Path | undefined>()
  const [visible, setVisible] = useState<[number, number]>([0, 0])
  const [reveal, setReveal] = useState<Reveal>({})
  // A filter rescans the log: at most once a second while the app dispatches.
  const search = useSearch(client, query, useThrottled(meta.logRevision, 1000))

  const relatedKey = selection ? `${selection.lane}:${selection.index}:${meta.logRevision}` : 'none'
  const related: Related =
    useRequest(client, selection ? { type: 'related', ...selection } : undefined, relatedKey)
      .data ?? NOTHING_RELATED

  const touchKey = watch
    ? `${JSON.stringify(watch)}:${visible[0]}:${visible[1]}:${meta.logRevision}`
    : 'none'
  const touchedList = useRequest(
    client,
    watch ? { type: 'touches', path: watch, start: visible[0], end: visible[1] } : undefined,
    touchKey,
  ).data
  const touched = useMemo(() => new Set(touchedList ?? []), [touchedList])

  // Follow the cursor while scrubbing: its event and state come into view.
  useEffect(() => {
    setReveal({
      events: meta.cursor > 0 ? meta.cursor - 1 : 0,
      states: meta.cursor,
      // While live, the newest command is the one that made the newest events.
      commands: meta.isLive ? meta.commands - 1 : undefined,
    })
  }, [meta.cursor, meta.isLive, meta.commands])
  // Show what the selection is linked to in the other lanes.
  useEffect(() => {
    if (!selection) return
    setReveal({
      commands: selection.lane === 'command' ? undefined : related.command,
      events: selection.lane === 'event' ? undefined : related.events[0],
      states: selection.lane === 'state' ? undefined : related.states[0],
    })
  }, [related, selection])

  const onVisible = useCallback((start: number, end: number) => {
    setVisible((v) => (v[0] === start && v[1] === end ? v : [start, end]))
  }, [])
  const jump = useCallback(
    (index: number) =>
      client.request({ type: 'jumpTo', index: Math.max(0, Math.min(meta.length, index)) }),
    [client, meta.length],
  )
  const bisect = (path: Path) => {
    setBisectPath(path)
    setTab('bisect')
  }
  const select = (next: Selection) => {
    setSelection(next)
    setTab((t) => (t === 'state' || t === 'diff' ? t : 'details'))
  }
  return {
    selection,
    select,
    related,
    tab,
    setTab,
    query,
    setQuery,
    search,
    watch,
    setWatch,
    touched,
    onVisible,
    reveal,
    bisectPath,
    bisect,
    jump,
  }
}
