import { useSyncSnapshot } from '../useSyncSnapshot'

/**
 * How far the board's history is folded (a window with no usable snapshot, after the reducer's
 * version changed) or paged in (the devtools scrolled back): the sync snapshot's `progress`.
 */
export function HistoryProgress() {
  const { progress } = useSyncSnapshot()
  if (!progress) return null
  const { task, done, total } = progress
  const what = task === 'refold' ? 'Folding the history' : 'Loading earlier history'
  return (
    <span className="history-progress" data-testid="history-progress">
      <span>{what}</span>
      <progress max={total} value={done} aria-label={what} />
      <span className="muted">
        {done.toLocaleString()} of {total.toLocaleString()} events
      </span>
    </span>
  )
}
