import type { Meta, Path } from '@strata/state/inspect'
import { type KeyboardEvent, useId } from 'react'
import { BisectView } from './BisectView'
import { CommandDetails } from './CommandDetails'
import { DiffView } from './DiffView'
import { EventDetails } from './EventDetails'
import { HotView } from './HotView'
import { StateView } from './StateView'
import { SyncView } from './SyncView'
import type { Related, Selection } from './selection'

export type TabName = 'details' | 'state' | 'diff' | 'bisect' | 'hot' | 'sync'

interface Props {
  meta: Meta
  tab: TabName
  onTab(tab: TabName): void
  selection: Selection | undefined
  related: Related
  watch: Path | undefined
  bisectPath: Path | undefined
  onWatch(path: Path | undefined): void
  onBisect(path: Path): void
  onSelect(selection: Selection): void
  onJump(stateIndex: number): void
}

/** The right-hand side: details of the selection, the state tree, diffs, bisect, hot reloads, sync. */
export function Inspector(props: Props) {
  const { meta, tab, onTab, selection } = props
  const id = useId()
  const tabs: [TabName, string][] = [
    ['details', 'Details'],
    ['state', 'State'],
    ['diff', 'Diff'],
    ['bisect', 'Bisect'],
    ['hot', meta.hot.length ? `Hot reload (${meta.hot.length})` : 'Hot reload'],
  ]
  if (meta.features.sync) tabs.push(['sync', 'Sync'])
  const selectedState =
    selection?.lane === 'state'
      ? selection.index
      : selection?.lane === 'event'
        ? selection.index + 1
        : undefined
  const selectEvent = (index: number) => {
    props.onSelect({ lane: 'event', index })
    onTab('details')
  }
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return
    const at = tabs.findIndex(([name]) => name === tab)
    const next = tabs[(at + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!
    onTab(next[0])
  }
  return (
    <section className="sd-inspector" aria-label="Inspector">
      <div className="sd-tabs" role="tablist" aria-label="Inspector" onKeyDown={onKeyDown}>
        {tabs.map(([name, label]) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`${id}-${name}`}
            aria-selected={tab === name}
            aria-controls={`${id}-panel`}
            tabIndex={tab === name ? 0 : -1}
            className="sd-tab"
            onClick={() => onTab(name)}
          >
            {label}
          </button>
        ))}
      </div>
      <div
        className="sd-tabpanel"
        role="tabpanel"
        id={`${id}-panel`}
        aria-labelledby={`${id}-${tab}`}
      >
        {tab === 'details' && details(props)}
        {tab === 'state' && (
          <StateView
            meta={meta}
            index={selectedState ?? meta.cursor}
            watch={props.watch}
            onWatch={props.onWatch}
            onBisect={props.onBisect}
          />
        )}
        {tab === 'diff' && <DiffView meta={meta} selectedState={selectedState} />}
        {tab === 'bisect' && (
          <BisectView
            meta={meta}
            path={props.bisectPath}
            onJump={props.onJump}
            onSelectEvent={selectEvent}
          />
        )}
        {tab === 'hot' && <HotView meta={meta} onSelectEvent={selectEvent} />}
        {tab === 'sync' && <SyncView onSelectEvent={selectEvent} />}
      </div>
    </section>
  )
}

function details(props: Props) {
  const { meta, selection, related } = props
  if (!selection) {
    return (
      <div className="sd-empty">
        Select a command, an event or a state. Arrow keys move in a lane; Enter jumps to it.
      </div>
    )
  }
  if (selection.lane === 'command') {
    return (
      <CommandDetails
        meta={meta}
        index={selection.index}
        related={related}
        onSelect={props.onSelect}
      />
    )
  }
  const event = selection.lane === 'event' ? selection.index : selection.index - 1
  if (event < 0)
    return <div className="sd-empty">State 0 is the initial state: no event made it.</div>
  return (
    <EventDetails
      meta={meta}
      index={event}
      watch={props.watch}
      onWatch={props.onWatch}
      onJump={props.onJump}
    />
  )
}
