import { type EventQuery, formatPath, type Meta, type Path } from '@strata/state/inspect'
import type { RefObject } from 'react'
import { usePanel } from './context'
import { formatCount } from './format'
import { useRequest } from './hooks/useClient'
import { useThrottled } from './hooks/useThrottled'

type Flag = NonNullable<EventQuery['flags']>[number]

interface Props {
  meta: Meta
  query: EventQuery
  onQuery(query: EventQuery): void
  matches: number | undefined
  watch: Path | undefined
  onWatch(path: Path | undefined): void
  inputRef: RefObject<HTMLInputElement | null>
}

const FLAGS: [Flag, string][] = [
  ['error', 'Errors'],
  ['rejected', 'Rejected'],
  ['skipped', 'Skipped'],
]

/** Filter the events by type, by text in the type or payload, and by marks. */
export function FilterBar({ meta, query, onQuery, matches, watch, onWatch, inputRef }: Props) {
  const { client } = usePanel()
  // The type list scans the log: at most every two seconds while the app dispatches.
  const revision = useThrottled(meta.logRevision, 2000)
  const types = useRequest(client, { type: 'types' }, `types:${revision}`).data
  const flags = query.flags ?? []
  const toggleFlag = (flag: Flag) =>
    onQuery({
      ...query,
      flags: flags.includes(flag) ? flags.filter((f) => f !== flag) : [...flags, flag],
    })
  const type = query.types?.[0] ?? ''
  return (
    <div className="sd-filter">
      <input
        ref={inputRef}
        className="sd-input"
        type="search"
        placeholder="Filter events by type or payload text  ( / )"
        aria-label="Filter events"
        value={query.text ?? ''}
        onChange={(e) => onQuery({ ...query, text: e.target.value })}
      />
      <select
        className="sd-input"
        style={{ flex: 'none', maxWidth: 150 }}
        aria-label="Event type"
        value={type}
        onChange={(e) => onQuery({ ...query, types: e.target.value ? [e.target.value] : [] })}
      >
        <option value="">All types</option>
        {(types?.types ?? (type ? [type] : [])).map((t) => (
          <option key={t}>{t}</option>
        ))}
      </select>
      {FLAGS.map(([flag, label]) => (
        <button
          key={flag}
          type="button"
          className="sd-btn"
          aria-pressed={flags.includes(flag)}
          onClick={() => toggleFlag(flag)}
        >
          {label}
        </button>
      ))}
      {matches !== undefined && (
        <span className="sd-muted">
          {formatCount(matches)} match{matches === 1 ? '' : 'es'}
        </span>
      )}
      {watch && (
        <button
          type="button"
          className="sd-chip"
          aria-pressed="true"
          title="Stop highlighting the events that changed this path"
          onClick={() => onWatch(undefined)}
        >
          watching {formatPath(watch)} ×
        </button>
      )}
    </div>
  )
}
