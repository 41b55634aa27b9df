import type { Meta, StoryObj } from '@storybook/react-vite'
import type { InspectClient, Meta as InspectMeta } from '@strata/state/inspect'
import { useMemo, useState } from 'react'
import { CommandLane } from '../devtools/CommandLane'
import { EventLane } from '../devtools/EventLane'
import { useRequest } from '../devtools/hooks/useClient'
import { StateLane } from '../devtools/StateLane'
import { NOTHING_RELATED, type Related, type Selection } from '../devtools/selection'
import { groceryHistory } from './histories'
import { Part } from './Part'
import { trafficHistory } from './traffic'

type Size = 'groceries' | 'traffic, 100k events'

// The three linked lanes: select a command to see its events and states, or the reverse.
function Lanes({ size, theme }: { size: Size; theme: 'light' | 'dark' }) {
  const store = useMemo(
    () => (size === 'groceries' ? groceryHistory() : trafficHistory(100_000)),
    [size],
  )
  const [selection, setSelection] = useState<Selection | undefined>({ lane: 'command', index: 12 })
  return (
    <Part store={store} theme={theme}>
      {(client, meta) => (
        <LaneGrid client={client} meta={meta} selection={selection} onSelect={setSelection} />
      )}
    </Part>
  )
}

interface GridProps {
  client: InspectClient
  meta: InspectMeta
  selection: Selection | undefined
  onSelect(selection: Selection): void
}

function LaneGrid({ client, meta, selection, onSelect }: GridProps) {
  const key = selection ? `${selection.lane}:${selection.index}:${meta.logRevision}` : 'none'
  const related: Related =
    useRequest(client, selection ? { type: 'related', ...selection } : undefined, key).data ??
    NOTHING_RELATED
  const jump = (index: number) => client.request({ type: 'jumpTo', index })
  const common = { client, meta, selection, related, onSelect, reveal: undefined }
  return (
    <div className="sd-lane-grid" style={{ height: '100%' }}>
      <CommandLane {...common} />
      <EventLane
        {...common}
        search={undefined}
        touched={new Set()}
        onJump={jump}
        onVisible={() => {}}
      />
      <StateLane {...common} onJump={jump} />
    </div>
  )
}

const meta = {
  title: 'Devtools/Parts/Lanes',
  component: Lanes,
  args: { size: 'groceries', theme: 'light' },
  argTypes: { size: { control: 'select', options: ['groceries', 'traffic, 100k events'] } },
} satisfies Meta<typeof Lanes>

export default meta
type Story = StoryObj<typeof meta>

export const Linked: Story = {}
export const Dark: Story = { args: { theme: 'dark' } }
export const Traffic100kEvents: Story = { args: { size: 'traffic, 100k events' } }
