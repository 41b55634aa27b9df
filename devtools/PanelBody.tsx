import type { InspectClient, Meta } from '@strata/state/inspect'
import { useRef } from 'react'
import { CommandLane } from './CommandLane'
import { EventLane } from './EventLane'
import { FilterBar } from './FilterBar'
import { usePanelState } from './hooks/usePanelState'
import { usePlayback } from './hooks/usePlayback'
import { shortcutHandler } from './hooks/useShortcuts'
import { Inspector } from './Inspector'
import { Scrubber } from './Scrubber'
import { StateLane } from './StateLane'
import { type Dock, type Theme, Toolbar } from './Toolbar'

interface Props {
  client: InspectClient
  meta: Meta
  theme: Theme
  onTheme(theme: Theme): void
  dock?: Dock | undefined
  onDock?: ((dock: Dock) => void) | undefined
  onClose?: (() => void) | undefined
}

/** Toolbar, scrubber, the three linked lanes and the inspector, with the panel's shortcuts. */
export function PanelBody(props: Props) {
  const { client, meta } = props
  const state = usePanelState(client, meta)
  const playback = usePlayback(client, meta)
  const filterInput = useRef<HTMLInputElement>(null)
  const { selection, related } = state
  const selectedEvent =
    selection?.lane === 'event'
      ? selection.index
      : selection?.lane === 'state'
        ? selection.index - 1
        : undefined
  const onKeyDown = shortcutHandler({
    stepBack: () => state.jump(meta.cursor - 1),
    stepForward: () => state.jump(meta.cursor + 1),
    playPause: playback.toggle,
    live: () => client.request({ type: 'toLive' }),
    focusFilter: () => filterInput.current?.focus(),
    skipSelected: async () => {
      if (selectedEvent === undefined || selectedEvent < 0) return
      const [row] = await client.request({
        type: 'events',
        start: selectedEvent,
        end: selectedEvent + 1,
      })
      if (row) await client.request({ type: 'toggle', eventId: row.id })
    },
    jumpToSelected: () => {
      if (selection)
        state.jump(
          selection.lane === 'state'
            ? selection.index
            : (related.states[related.states.length - 1] ?? selection.index + 1),
        )
    },
    close: props.onClose,
  })
  return (
    // The panel's shortcuts apply only while focus is inside it.
    // biome-ignore lint/a11y/noStaticElementInteractions: a keyboard scope, not a control
    <div className="sd-panel" onKeyDown={onKeyDown}>
      <Toolbar
        meta={meta}
        theme={props.theme}
        onTheme={props.onTheme}
        dock={props.dock}
        onDock={props.onDock}
        onClose={props.onClose}
      />
      <Scrubber client={client} meta={meta} playback={playback} />
      <div className="sd-body">
        <div className="sd-lanes">
          <FilterBar
            meta={meta}
            query={state.query}
            onQuery={state.setQuery}
            matches={state.search?.count}
            watch={state.watch}
            onWatch={state.setWatch}
            inputRef={filterInput}
          />
          <div className="sd-lane-grid">
            <CommandLane
              client={client}
              meta={meta}
              selection={selection}
              related={related}
              reveal={state.reveal.commands}
              onSelect={state.select}
            />
            <EventLane
              client={client}
              meta={meta}
              selection={selection}
              related={related}
              search={state.search}
              touched={state.touched}
              reveal={state.reveal.events}
              onSelect={state.select}
              onJump={state.jump}
              onVisible={state.onVisible}
            />
            <StateLane
              client={client}
              meta={meta}
              selection={selection}
              related={related}
              reveal={state.reveal.states}
              onSelect={state.select}
              onJump={state.jump}
            />
          </div>
        </div>
        <Inspector
          meta={meta}
          tab={state.tab}
          onTab={state.setTab}
          selection={selection}
          related={related}
          watch={state.watch}
          bisectPath={state.bisectPath}
          onWatch={state.setWatch}
          onBisect={state.bisect}
          onSelect={state.select}
          onJump={state.jump}
        />
      </div>
    </div>
  )
}
