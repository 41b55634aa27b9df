import { useSync } from '@strata/state/query'
import type { SyncSnapshot } from '@strata/state/sync'
import { useSyncSnapshot } from '../useSyncSnapshot'
import { HistoryProgress } from './HistoryProgress'

type Tone = 'ok' | 'busy' | 'warn' | 'error'

function describe(snapshot: SyncSnapshot): [Tone, string] {
  const unsent = snapshot.outbox.length
  if (snapshot.status === 'error') return ['error', 'Sync stopped']
  if (snapshot.paused) return ['warn', unsent ? `Paused · ${unsent} unsent` : 'Paused']
  if (snapshot.status === 'offline') return ['warn', `Offline · ${unsent} unsent`]
  if (unsent > 0) return ['busy', `Saving ${unsent}…`]
  if (snapshot.status === 'sending') return ['busy', 'Saving…']
  // A change lost to another window's is not saved, until the person has seen it (dismissed).
  const lost = snapshot.conflicts.length
  if (lost) return ['warn', lost === 1 ? '1 change not saved' : `${lost} changes not saved`]
  return ['ok', 'All changes saved']
}

/** Whether the board's events have reached the server, from the sync's snapshot. */
export function SyncStatus() {
  const sync = useSync()
  const snapshot = useSyncSnapshot()
  const [tone, label] = describe(snapshot)
  return (
    <div className="sync" data-testid="sync" data-position={snapshot.position ?? ''}>
      <span className={`sync-status ${tone}`} role="status" aria-live="polite">
        <span className="dot" aria-hidden="true" />
        {label}
      </span>
      <HistoryProgress />
      {snapshot.rejected.length > 0 && (
        <span
          className="sync-rejected"
          title="Events the server refused; their effects were undone"
        >
          {snapshot.rejected.length} refused by the server
        </span>
      )}
      {snapshot.status === 'error' && (
        <button type="button" className="button" onClick={() => sync.resume()}>
          Retry
        </button>
      )}
    </div>
  )
}
