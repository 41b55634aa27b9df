import type { Meta } from '@strata/state/inspect'

interface Props {
  meta: Meta
  onSelectEvent(index: number): void
}

/** Hot reloads of the reducer or the command handlers, and where each first changed the state. */
export function HotView({ meta, onSelectEvent }: Props) {
  if (meta.hot.length === 0) {
    return (
      <div className="sd-empty">
        No hot reload yet. When the reducer or the handlers are replaced, each report appears here
        and as an orange mark on the slider.
      </div>
    )
  }
  return (
    <table className="sd-table">
      <thead>
        <tr>
          <th>#</th>
          <th>replaced</th>
          <th>first changed state</th>
          <th>events changed</th>
          <th>log then</th>
        </tr>
      </thead>
      <tbody>
        {meta.hot.map((r, n) => (
          // Reports are append-only: their position is their identity.
          // biome-ignore lint/suspicious/noArrayIndexKey: append-only list
          <tr key={n}>
            <td>{n + 1}</td>
            <td>{r.kind === 'reducer' ? 'reducer' : 'command handlers'}</td>
            <td>
              {r.firstChangedIndex === undefined ? (
                <span className="sd-muted">
                  {r.changed ? 'events changed' : 'no state changed'}
                </span>
              ) : (
                <button
                  type="button"
                  className="sd-chip"
                  onClick={() => onSelectEvent(r.firstChangedIndex!)}
                >
                  after event {r.firstChangedIndex} {r.firstChangedEventType}
                </button>
              )}
            </td>
            <td>{r.eventsChanged}</td>
            <td className="sd-muted">{r.at} events</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
