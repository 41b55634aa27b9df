import { useEffect } from 'react'
import { usePanel } from './context'
import { ErrorBox } from './ErrorBox'
import { formatCount, formatTime, preview } from './format'
import { useSyncState } from './hooks/useClient'

const STATUS_CLASS: Record<string, string> = {
  idle: 'sd-ok',
  sending: 'sd-warn',
  offline: '',
  error: 'sd-error',
  // A local command was lost to a concurrent change (sync.conflicts), not dismissed yet.
  conflict: 'sd-warn',
}

/** The sync client: its outbox, the confirmed position, rejections with the server's error. */
export function SyncView({ onSelectEvent }: { onSelectEvent(index: number): void }) {
  const { client, notify } = usePanel()
  const sync = useSyncState(client)
  useEffect(() => {
    client.request({ type: 'sync' }).catch(() => {})
  }, [client])
  if (!sync)
    return (
      <div className="sd-empty">
        No sync client. Pass the one `connectSync` returns as the `sync` prop.
      </div>
    )
  const act = (type: 'syncPause' | 'syncResume') =>
    client.request({ type }).catch((e: Error) => notify(e.message, 'error'))
  return (
    <div>
      <div className="sd-section">
        <div className="sd-row-actions" style={{ alignItems: 'center' }}>
          <span className={`sd-badge ${STATUS_CLASS[sync.status] ?? ''}`}>{sync.status}</span>
          {sync.paused && <span className="sd-badge sd-warn">paused</span>}
          <span className="sd-spacer" />
          <button
            type="button"
            className="sd-btn"
            onClick={() => act(sync.paused ? 'syncResume' : 'syncPause')}
          >
            {sync.paused ? 'Resume sending' : 'Pause sending'}
          </button>
        </div>
        {sync.progress && (
          <div className="sd-row-actions" style={{ alignItems: 'center', marginTop: 8 }}>
            <span>
              {sync.progress.task === 'refold' ? 'Folding the history' : 'Loading earlier history'}
            </span>
            <progress
              max={sync.progress.total}
              value={sync.progress.done}
              aria-label="History progress"
            />
            <span className="sd-mono">
              {formatCount(sync.progress.done)} of {formatCount(sync.progress.total)} events
            </span>
          </div>
        )}
        <dl className="sd-kv" style={{ marginTop: 8 }}>
          <dt>confirmed position</dt>
          <dd className="sd-mono">{sync.position ?? '—'}</dd>
          {sync.clientId && (
            <>
              <dt>client</dt>
              <dd className="sd-mono">
                {sync.clientId}
                {sync.sender === false ? ' (another tab sends)' : ''}
              </dd>
            </>
          )}
          {sync.lastSeq !== undefined && (
            <>
              <dt>last seq stored</dt>
              <dd>{sync.lastSeq}</dd>
            </>
          )}
          {sync.retry && (
            <>
              <dt>retry</dt>
              <dd>
                attempt {sync.retry.attempt} at {formatTime(sync.retry.at)}
              </dd>
            </>
          )}
        </dl>
        {sync.error && (
          <div style={{ marginTop: 6 }}>
            <ErrorBox error={sync.error} title="Syncing stopped" />
          </div>
        )}
      </div>
      <div className="sd-section">
        <h3>Outbox ({sync.outbox.length})</h3>
        {sync.outbox.length === 0 ? (
          <span className="sd-muted">Every local event is stored on the server.</span>
        ) : (
          <table className="sd-table" aria-label="Outbox">
            <tbody>
              {sync.outbox.map((e) => (
                <tr key={e.id}>
                  <td>
                    <button
                      type="button"
                      className="sd-chip"
                      onClick={() => e.row && onSelectEvent(e.row.index)}
                    >
                      {e.type}
                    </button>
                  </td>
                  <td className="sd-mono sd-muted">{e.clientSeq ?? ''}</td>
                  <td>{e.state && <span className="sd-badge">{e.state}</span>}</td>
                  <td className="sd-wrap sd-mono sd-muted">{preview(e.row?.payload, 60)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="sd-section">
        <h3>Rejected ({sync.rejected.length})</h3>
        {sync.rejected.length === 0 && (
          <span className="sd-muted">The server has refused no event.</span>
        )}
        {sync.rejected.map((e) => (
          <div key={e.id} style={{ marginBottom: 6 }}>
            <button
              type="button"
              className="sd-chip"
              onClick={() => e.row && onSelectEvent(e.row.index)}
            >
              {e.type}
            </button>{' '}
            {e.error && <ErrorBox error={e.error} title="Server error" rejected />}
          </div>
        ))}
      </div>
      {sync.reads.length > 0 && (
        <div className="sd-section">
          <h3>Read-your-writes reads</h3>
          <table className="sd-table">
            <thead>
              <tr>
                <th>read</th>
                <th>waited for</th>
                <th>waited</th>
              </tr>
            </thead>
            <tbody>
              {sync.reads.map((r) => (
                <tr key={`${r.key}${r.at}`}>
                  <td className="sd-wrap">{r.key}</td>
                  <td className="sd-mono">{r.position ?? '—'}</td>
                  <td>{Math.round(r.waitedMs)} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {sync.errors.length > 0 && (
        <div className="sd-section">
          <h3>Recent errors</h3>
          {sync.errors.map((e) => (
            <div key={e.at} className="sd-muted">
              {formatTime(e.at)} {e.error?.message}
            </div>
          ))}
        </div>
      )}
    </div>
  )
}
