import { formatPath, type InspectClient, type Meta, type StateRow } from '@strata/state/inspect'
import { useCallback } from 'react'
import { earlierNote, earlierRow, loadUpTo } from './earlier'
import { useRows } from './hooks/useClient'
import { Lane } from './Lane'
import type { Related, Selection } from './selection'

interface Props {
  client: InspectClient
  meta: Meta
  selection: Selection | undefined
  related: Related
  reveal: number | undefined
  onSelect(selection: Selection): void
  onJump(stateIndex: number): void
}

/** The state log: state i is the state after i events, with the paths its event changed. */
export function StateLane({ client, meta, selection, related, reveal, onSelect, onJump }: Props) {
  const rows = useRows(client, 'states', meta.logRevision)
  const onRange = useCallback(
    (start: number, end: number, scrolled: boolean) => {
      rows.ensure(start, end)
      if (scrolled) loadUpTo(client, meta, start)
    },
    [rows, client, meta],
  )
  const renderRow = (i: number) => {
    if (i < meta.start) return earlierRow(i, meta)
    const row = rows.get(i) as StateRow | undefined
    if (!row || row.index !== i) return { content: <span className="sd-idx">{i}</span> }
    const classes = [
      i > meta.cursor && 'sd-future',
      i === meta.cursor && 'sd-viewed',
      related.states.includes(i) && 'sd-related',
      row.failed && 'sd-failed',
      row.skipped && 'sd-skipped',
    ]
    const paths = row.paths.map(formatPath).join(', ') + (row.more ? ` +${row.more}` : '')
    return {
      className: classes.filter(Boolean).join(' '),
      label: `State ${i}${i === meta.cursor ? ', viewed' : ''}`,
      content: (
        <>
          <span className="sd-idx">{i}</span>
          <span className="sd-type">
            {i === 0
              ? 'initial'
              : i === meta.start
                ? 'base (earlier history folded)'
                : row.eventType}
          </span>
          {i === meta.cursor && (
            <span className="sd-badge sd-live">{meta.isLive ? 'live' : 'viewed'}</span>
          )}
          <span className="sd-preview">{i === 0 ? '' : paths || 'no change'}</span>
        </>
      ),
    }
  }
  return (
    <Lane
      title="States"
      count={meta.length + 1}
      note={earlierNote(meta)}
      renderRow={renderRow}
      selected={selection?.lane === 'state' ? selection.index : undefined}
      onSelect={(index) => {
        onSelect({ lane: 'state', index })
        onJump(index)
      }}
      onActivate={onJump}
      reveal={reveal}
      onRange={onRange}
    />
  )
}
