import type { Meta, Path } from '@strata/state/inspect'
import { usePanel } from './context'
import { useRequest } from './hooks/useClient'
import { StateTree } from './StateTree'

interface Props {
  meta: Meta
  /** The state to show: the selected one, else the viewed one. */
  index: number
  watch: Path | undefined
  onWatch(path: Path | undefined): void
  onBisect(path: Path): void
}

/** The tree of one state, from which a path can be watched or bisected. */
export function StateView({ meta, index, watch, onWatch, onBisect }: Props) {
  const { client } = usePanel()
  const { data, error } = useRequest(
    client,
    { type: 'state', index },
    `${index}:${meta.logRevision}`,
  )
  if (error) return <div className="sd-empty">{(error as Error).message}</div>
  if (!data) return <div className="sd-empty">Loading state {index}…</div>
  return (
    <div>
      <div className="sd-section" style={{ padding: '6px 12px' }}>
        <span className="sd-muted">
          State {index}
          {index === meta.cursor ? ' (viewed by the app)' : ''}
          {watch ? ' · events that changed the watched path are marked in orange' : ''}
        </span>
        {watch && (
          <button
            type="button"
            className="sd-mini"
            style={{ marginLeft: 8 }}
            onClick={() => onWatch(undefined)}
          >
            stop watching
          </button>
        )}
      </div>
      <StateTree
        value={data.value}
        label={`State ${index}`}
        watch={watch}
        onWatch={onWatch}
        onBisect={onBisect}
      />
    </div>
  )
}
