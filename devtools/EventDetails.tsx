import { formatPath, type Meta, type Path } from '@strata/state/inspect'
import { copy, usePanel } from './context'
import { ErrorBox } from './ErrorBox'
import { formatTime, toJson } from './format'
import { useRequest } from './hooks/useClient'
import { StateTree } from './StateTree'

interface Props {
  meta: Meta
  index: number
  watch: Path | undefined
  onWatch(path: Path | undefined): void
  onJump(stateIndex: number): void
}

/** One event: its payload, its error or the server's rejection, the paths it changed; skip it. */
export function EventDetails({ meta, index, watch, onWatch, onJump }: Props) {
  const { client, notify } = usePanel()
  const key = `${index}:${meta.logRevision}`
  const row = useRequest(client, { type: 'events', start: index, end: index + 1 }, key).data?.[0]
  const changes = useRequest(client, { type: 'changes', index }, key).data
  if (!row) return <div className="sd-empty">Loading event {index}…</div>
  const watchKey = watch ? JSON.stringify(watch) : undefined
  const toggle = async () => {
    try {
      const { skipped } = await client.request({ type: 'toggle', eventId: row.id })
      notify(`${skipped ? 'Skipped' : 'Restored'} ${row.type}: states after it recomputed`)
    } catch (error) {
      notify((error as Error).message, 'error')
    }
  }
  return (
    <div>
      <div className="sd-section">
        <div className="sd-row-actions" style={{ alignItems: 'center' }}>
          <strong style={{ fontSize: 13 }}>{row.type}</strong>
          <span className="sd-muted">event {index}</span>
          <span className="sd-spacer" />
          <button type="button" className="sd-btn" onClick={() => onJump(index + 1)}>
            Jump to state {index + 1}
          </button>
          <button
            type="button"
            className="sd-btn"
            aria-pressed={row.skipped}
            onClick={toggle}
            title="Skip (S): recompute the states after it without this event"
          >
            {row.skipped ? 'Un-skip' : 'Skip'}
          </button>
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
          <dt>origin</dt>
          <dd>
            {row.origin}
            {row.position
              ? ` · stored at ${row.position}`
              : row.origin === 'local'
                ? ' · not stored yet'
                : ''}
          </dd>
          {row.commandId && (
            <>
              <dt>command</dt>
              <dd className="sd-mono">{row.commandId}</dd>
            </>
          )}
        </dl>
      </div>
      {(row.error || row.rejected) && (
        <div className="sd-section">
          {row.error && (
            <ErrorBox error={row.error} title="The reducer threw; the state was kept" />
          )}
          {row.rejected && (
            <ErrorBox error={row.rejected} title="The server rejected it" rejected />
          )}
        </div>
      )}
      <div className="sd-section">
        <h3>Changed paths</h3>
        {changes && changes.paths.length > 0 ? (
          <div className="sd-paths">
            {changes.paths.map((p) => {
              const on = JSON.stringify(p) === watchKey
              return (
                <button
                  key={JSON.stringify(p)}
                  type="button"
                  className="sd-chip"
                  aria-pressed={on}
                  title="Highlight every event that changed this path"
                  onClick={() => onWatch(on ? undefined : p)}
                >
                  {formatPath(p)}
                </button>
              )
            })}
            {changes.more > 0 && <span className="sd-muted">+{changes.more} more</span>}
          </div>
        ) : (
          <span className="sd-muted">
            {row.skipped ? 'Skipped: changes nothing.' : 'No state change.'}
          </span>
        )}
      </div>
      <div className="sd-section">
        <h3>Payload</h3>
        <StateTree value={row.payload} label="Payload" searchable={false} />
      </div>
    </div>
  )
}
