import { formatPath, type Meta, type Path } from '@strata/state/inspect'
import { useEffect, useState } from 'react'
import { usePanel } from './context'
import { preview } from './format'
import { useRequest } from './hooks/useClient'
import { parsePath } from './treeSearch'

interface Props {
  meta: Meta
  /** A path picked in the state tree. */
  path: Path | undefined
  onJump(stateIndex: number): void
  onSelectEvent(index: number): void
}

/** Binary search of the history for the event after which a value became what it is now. */
export function BisectView({ meta, path, onJump, onSelectEvent }: Props) {
  const { client } = usePanel()
  const [text, setText] = useState(path ? formatPath(path) : '')
  const [selector, setSelector] = useState('')
  const [asked, setAsked] = useState<{ path?: Path; selector?: string; upTo: number } | undefined>()
  useEffect(() => {
    if (path) setText(formatPath(path))
  }, [path])
  const run = () =>
    setAsked(
      selector ? { selector, upTo: meta.cursor } : { path: parsePath(text), upTo: meta.cursor },
    )
  const { data, error, loading } = useRequest(
    client,
    asked ? { type: 'bisect', ...asked } : undefined,
    JSON.stringify(asked) + meta.logRevision,
  )
  return (
    <div>
      <form
        className="sd-diff-bar"
        onSubmit={(e) => {
          e.preventDefault()
          run()
        }}
      >
        <input
          className="sd-input"
          style={{ flex: 1, width: 'auto' }}
          placeholder="Path, e.g. todos.0.done"
          aria-label="Path to bisect"
          value={text}
          onChange={(e) => {
            setText(e.target.value)
            setSelector('')
          }}
        />
        {meta.features.selectors.length > 0 && (
          <select
            className="sd-input"
            style={{ width: 'auto' }}
            aria-label="Selector to bisect"
            value={selector}
            onChange={(e) => setSelector(e.target.value)}
          >
            <option value="">or a selector…</option>
            {meta.features.selectors.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        )}
        <button type="submit" className="sd-btn sd-primary">
          Bisect
        </button>
      </form>
      <div className="sd-section">
        {!asked && (
          <span className="sd-muted">
            Finds the first event after which the value became what it is in the viewed state, in
            about log₂(n) steps through the store’s checkpoints.
          </span>
        )}
        {loading && <span className="sd-muted">Searching…</span>}
        {error ? <span className="sd-muted">{(error as Error).message}</span> : null}
        {data && !loading && (
          <div>
            <p style={{ margin: '0 0 6px' }}>
              Value <span className="sd-new sd-mono">{preview(data.value, 80)}</span>{' '}
              {data.index === undefined ? (
                'has been so since the first state.'
              ) : (
                <>
                  since event{' '}
                  <button
                    type="button"
                    className="sd-chip"
                    onClick={() => onSelectEvent(data.index!)}
                  >
                    {data.index} {data.eventType}
                  </button>{' '}
                  <button type="button" className="sd-mini" onClick={() => onJump(data.index! + 1)}>
                    jump
                  </button>
                </>
              )}
            </p>
            <span className="sd-muted">{data.probes.length} states looked at:</span>
            <div className="sd-probes">
              {data.probes.map((p) => (
                <span
                  key={p.index}
                  className={`sd-probe${p.equal ? ' sd-eq' : ''}`}
                  title={p.equal ? 'equal' : 'different'}
                >
                  {p.index}
                </span>
              ))}
            </div>
          </div>
        )}
      </div>
    </div>
  )
}
