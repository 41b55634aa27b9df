import type { Meta } from '@strata/state/inspect'
import { useMemo, useState } from 'react'
import { usePanel } from './context'
import { DeltaList } from './DeltaList'
import { changesOf, diffStates } from './delta'
import { useRequest } from './hooks/useClient'

interface Props {
  meta: Meta
  /** The state a "use selected" button picks, if a state or event is selected. */
  selectedState: number | undefined
}

/** A diff of the viewed state against the one before it, or of any two chosen states. */
export function DiffView({ meta, selectedState }: Props) {
  const { client } = usePanel()
  const [mode, setMode] = useState<'previous' | 'pair'>('previous')
  const [pair, setPair] = useState<[number, number]>([0, meta.cursor])
  const clamp = (n: number) => Math.max(0, Math.min(meta.length, Number.isFinite(n) ? n : 0))
  const [from, to] =
    mode === 'previous' ? [Math.max(0, meta.cursor - 1), meta.cursor] : pair.map(clamp)
  const { data, error } = useRequest(
    client,
    { type: 'diff', from: from!, to: to! },
    `${from}:${to}:${meta.logRevision}`,
  )
  const changes = useMemo(() => (data ? changesOf(diffStates(data.left, data.right)) : []), [data])
  const setSide = (side: 0 | 1, value: number) =>
    setPair(side === 0 ? [clamp(value), pair[1]] : [pair[0], clamp(value)])
  return (
    <div>
      {/* One row at the panel's narrowest docked width: no label says what the inputs show. */}
      <div className="sd-diff-bar">
        <span className="sd-segmented">
          <button
            type="button"
            className="sd-btn"
            aria-pressed={mode === 'previous'}
            title="The viewed state against the one before it"
            aria-label="Viewed state vs previous"
            onClick={() => setMode('previous')}
          >
            Previous
          </button>
          <button
            type="button"
            className="sd-btn"
            aria-pressed={mode === 'pair'}
            onClick={() => setMode('pair')}
          >
            Two states
          </button>
        </span>
        {mode === 'pair' ? (
          ([0, 1] as const).map((side) => (
            <span key={side} className="sd-diff-side">
              <label className="sd-muted">
                {side === 0 ? 'A' : 'B'}{' '}
                <input
                  className="sd-input"
                  type="number"
                  min={0}
                  max={meta.length}
                  value={pair[side]}
                  aria-label={side === 0 ? 'State A' : 'State B'}
                  onChange={(e) => setSide(side, Number(e.target.value))}
                />
              </label>
              {selectedState !== undefined && (
                <button
                  type="button"
                  className="sd-mini"
                  title={`Compare the selected state (${selectedState}) as ${side === 0 ? 'A' : 'B'}`}
                  onClick={() => setSide(side, selectedState)}
                >
                  {side === 0 ? 'A' : 'B'} = selected
                </button>
              )}
            </span>
          ))
        ) : (
          <span className="sd-muted">
            state {from} → {to}
          </span>
        )}
      </div>
      {error ? (
        <div className="sd-empty">{String((error as Error).message)}</div>
      ) : (
        <DeltaList changes={changes} />
      )}
    </div>
  )
}
