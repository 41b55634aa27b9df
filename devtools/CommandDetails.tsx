import type { Meta } from '@strata/state/inspect'
import { copy, usePanel } from './context'
import { ErrorBox } from './ErrorBox'
import { formatTime, toJson } from './format'
import { useRequest } from './hooks/useClient'
import { StateTree } from './StateTree'
import type { Related, Selection } from './selection'

interface Props {
  meta: Meta
  index: number
  related: Related
  onSelect(selection: Selection): void
}

/** One command: what was asked, why it was rejected, and the events it made. */
export function CommandDetails({ meta, index, related, onSelect }: Props) {
  const { client, notify } = usePanel()
  const row = useRequest(
    client,
    { type: 'commands', start: index, end: index + 1 },
    `${index}:${meta.logRevision}`,
  ).data?.[0]
  if (!row) return <div className="sd-empty">Loading command {index}…</div>
  return (
    <div>
      <div className="sd-section">
        <div className="sd-row-actions" style={{ alignItems: 'center' }}>
          <strong style={{ fontSize: 13 }}>{row.type}</strong>
          <span className="sd-muted">command {index}</span>
          <span className="sd-spacer" />
          <button
            type="button"
            className="sd-btn"
            onClick={() => copy(toJson(row.payload), notify, 'payload')}
          >
            Copy payload
          </button>
        </div>
        <dl className="sd-kv" style={{ marginTop: 8 }}>
          <dt>id</dt>
          <dd className="sd-mono">{row.id}</dd>
          <dt>time</dt>
          <dd>{formatTime(row.at)}</dd>
          <dt>events</dt>
          <dd>
            {related.events.length === 0 ? (
              <span className="sd-muted">none</span>
            ) : (
              <span className="sd-paths">
                {related.events.map((e) => (
                  <button
                    key={e}
                    type="button"
                    className="sd-chip"
                    onClick={() => onSelect({ lane: 'event', index: e })}
                  >
                    event {e}
                  </button>
                ))}
              </span>
            )}
          </dd>
        </dl>
      </div>
      {row.error && (
        <div className="sd-section">
          <ErrorBox error={row.error} title="Rejected: the handler made no events" />
        </div>
      )}
      <div className="sd-section">
        <h3>Payload</h3>
        <StateTree value={row.payload} label="Command payload" searchable={false} />
      </div>
    </div>
  )
}
