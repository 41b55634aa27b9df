import { formatPath } from '@strata/state/inspect'
import type { Change } from './delta'
import { preview } from './format'

const KIND_CLASS = { added: 'sd-ok', removed: 'sd-error', changed: 'sd-warn', moved: '' } as const

/** The changes between two states, one row per changed path: before struck out, after in green. */
export function DeltaList({ changes }: { changes: readonly Change[] }) {
  if (changes.length === 0) return <div className="sd-empty">The two states are equal.</div>
  return (
    <ul className="sd-changes" aria-label="Changes">
      {changes.map((c) => (
        <li key={`${c.kind}${JSON.stringify(c.path)}`} className="sd-change">
          <span className={`sd-badge ${KIND_CLASS[c.kind]}`}>{c.kind}</span>
          <span className="sd-change-path">{formatPath(c.path)}</span>
          <span className="sd-change-vals">
            {'before' in c && <span className="sd-old">{preview(c.before, 120)}</span>}
            {'after' in c && <span className="sd-new">{preview(c.after, 120)}</span>}
          </span>
        </li>
      ))}
    </ul>
  )
}
