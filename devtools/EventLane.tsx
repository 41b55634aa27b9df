import type { HotReport } from '@strata/state'
import type { EventRow, InspectClient, Meta } from '@strata/state/inspect'
import { useCallback } from 'react'
import { earlierNote, earlierRow, loadUpTo } from './earlier'
import { formatTime, preview } from './format'
import { useRows } from './hooks/useClient'
import type { SearchState } from './hooks/useSearch'
import { Lane } from './Lane'
import { indexIn, type Related, type Selection } from './selection'

interface Props {
  client: InspectClient
  meta: Meta
  selection: Selection | undefined
  related: Related
  /** Active filter: the lane shows its matches only. */
  search: SearchState | undefined
  /** Events that changed the watched path, among those on screen. */
  touched: ReadonlySet<number>
  reveal: number | undefined
  onSelect(selection: Selection): void
  onJump(stateIndex: number): void
  /** Log indexes on screen, for the touched-path highlight. */
  onVisible(start: number, end: number): void
}

function badges(row: EventRow, hot: HotReport | undefined) {
  return (
    <>
      {row.error && (
        <span className="sd-badge sd-error" title={row.error.message}>
          error
        </span>
      )}
      {row.rejected && (
        <span className="sd-badge sd-reject" title={row.rejected.message}>
          rejected
        </span>
      )}
      {row.skipped && <span className="sd-badge">skipped</span>}
      {row.origin === 'remote' && <span className="sd-badge">remote</span>}
      {hot && (
        <span
          className="sd-badge sd-warn"
          title={`Hot reload of the ${hot.kind} changed the state from here`}
        >
          hot
        </span>
      )}
    </>
  )
}

/** The event log, the timeline of facts; failed, rejected and skipped events stand out. */
export function EventLane(props: Props) {
  const { client, meta, selection, related, search, touched, onVisible } = props
  const rows = useRows(client, 'events', meta.logRevision)
  const count = search ? search.count : meta.length
  const at = (pos: number) => (search ? search.matches[pos]! : pos)
  const onRange = useCallback(
    (start: number, end: number, scrolled: boolean) => {
      if (end <= start) return
      const from = search ? search.matches[start]! : start
      const to = search ? search.matches[end - 1]! + 1 : end
      if (search)
        for (let p = start; p < end; p++) rows.ensure(search.matches[p]!, search.matches[p]! + 1)
      else {
        rows.ensure(from, to)
        if (scrolled) loadUpTo(client, meta, from)
      }
      onVisible(from, to)
    },
    [rows, search, onVisible, client, meta],
  )
  const hot = new Map(
    meta.hot.flatMap((r) => (r.firstChangedIndex === undefined ? [] : [[r.firstChangedIndex, r]])),
  )
  const renderRow = (pos: number) => {
    const i = at(pos)
    if (i < meta.start) return earlierRow(i, meta)
    const row = rows.get(i) as EventRow | undefined
    if (!row || row.index !== i) return { content: <span className="sd-idx">{i}</span> }
    const classes = [
      i >= meta.cursor && 'sd-future',
      i === meta.cursor - 1 && 'sd-viewed',
      related.events.includes(i) && 'sd-related',
      row.error && 'sd-failed',
      row.rejected && 'sd-rejected',
      row.skipped && 'sd-skipped',
      touched.has(i) && 'sd-touched',
    ]
    return {
      className: classes.filter(Boolean).join(' '),
      label: `Event ${i} ${row.type}${row.error ? ', failed' : ''}${row.rejected ? ', rejected' : ''}${row.skipped ? ', skipped' : ''}`,
      content: (
        <>
          <span className="sd-idx">{i}</span>
          <span className="sd-type">{row.type}</span>
          {badges(row, hot.get(i))}
          <span className="sd-preview">{preview(row.payload)}</span>
          <span className="sd-time">{formatTime(row.at)}</span>
        </>
      ),
    }
  }
  const selected =
    selection?.lane === 'event'
      ? search
        ? indexIn(search.matches, selection.index, search.count)
        : selection.index
      : undefined
  const reveal =
    props.reveal === undefined
      ? undefined
      : search
        ? indexIn(search.matches, props.reveal, search.count)
        : props.reveal
  return (
    <Lane
      title="Events"
      count={count}
      note={search ? `of ${meta.length}${search.done ? '' : ' …'}` : earlierNote(meta)}
      renderRow={renderRow}
      selected={selected !== undefined && selected >= 0 ? selected : undefined}
      onSelect={(pos) => props.onSelect({ lane: 'event', index: at(pos) })}
      onActivate={(pos) => props.onJump(at(pos) + 1)}
      reveal={reveal}
      onRange={onRange}
    />
  )
}
