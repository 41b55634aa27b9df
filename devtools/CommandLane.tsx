import type { CommandRow, InspectClient, Meta } from '@strata/state/inspect'
import { useCallback } from 'react'
import { preview } from './format'
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
}

/** The command log: what the user asked for. Rejected commands stand out in red. */
export function CommandLane({ client, meta, selection, related, reveal, onSelect }: Props) {
  const rows = useRows(client, 'commands', meta.logRevision)
  const onRange = useCallback((start: number, end: number) => rows.ensure(start, end), [rows])
  const renderRow = (i: number) => {
    const row = rows.get(i) as CommandRow | undefined
    if (!row) return { content: <span className="sd-idx">{i}</span> }
    const classes = [related.command === i && 'sd-related', row.error && 'sd-failed']
    return {
      className: classes.filter(Boolean).join(' '),
      label: `Command ${i} ${row.type}${row.error ? ', rejected' : ''}`,
      content: (
        <>
          <span className="sd-idx">{i}</span>
          <span className="sd-type">{row.type}</span>
          {row.error ? (
            <span className="sd-badge sd-error" title={row.error.message}>
              rejected
            </span>
          ) : (
            // Most commands make one event: only the others say how many.
            row.eventIds.length !== 1 && (
              <span className="sd-badge" title="Events it made">
                {row.eventIds.length === 0 ? 'no events' : `${row.eventIds.length} events`}
              </span>
            )
          )}
          <span className="sd-preview">{preview(row.payload)}</span>
        </>
      ),
    }
  }
  return (
    <Lane
      title="Commands"
      count={meta.commands}
      renderRow={renderRow}
      selected={selection?.lane === 'command' ? selection.index : undefined}
      onSelect={(index) => onSelect({ lane: 'command', index })}
      reveal={reveal}
      onRange={onRange}
    />
  )
}
