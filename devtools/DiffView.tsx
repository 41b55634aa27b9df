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
      <div className="sd-diff-bar">
        <button
          type="button"
          className="sd-btn"
          aria-pressed={mode === 'previous'}
          onClick={() => setMode('previous')}
        >
          Viewed vs previous
        </button>
        <button
          type="button"
          className="sd-btn"
          aria-pressed={mode === 'pair'}
          onClick={() => setMode('pair')}
        >
          Two states
        </button>
        {mode === 'pair' && (
          <>
            <label className="sd-muted">
              A{' '}
              <input
                className="sd-input"
                type="number"
                min={0}
                max={meta.length}
                value={pair[0]}
                aria-label="State A"
                onChange={(e) => setSide(0, Number(e.target.value))}
              />
            </label>
            <label className="sd-muted">
              B{' '}
              <input
                className="sd-input"
                type="number"
                min={0}
                max={meta.length}
                value={pair[1]}
                aria-label="State B"
                onChange={(e) => setSide(1, Number(e.target.value))}
              />
            </label>
            {selectedState !== undefined && (
              <>
                <button type="button" className="sd-mini" onClick={() => setSide(0, selectedState)}>
                  A = selected
                </button>
                <button type="button" className="sd-mini" onClick={() => setSide(1, selectedState)}>
                  B = selected
                </button>
              </>
            )}
          </>
        )}
        <span className="sd-muted">
          state {from} → {to}
        </span>
      </div>
      {error ? (
        <div className="sd-empty">{String((error as Error).message)}</div>
      ) : (
        <DeltaList changes={changes} />
      )}
    </div>
  )
}
