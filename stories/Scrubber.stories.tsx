import type { Meta, StoryObj } from '@storybook/react-vite'
import type { InspectClient, Meta as InspectMeta } from '@strata/state/inspect'
import { useMemo } from 'react'
import { usePlayback } from '../devtools/hooks/usePlayback'
import { Scrubber } from '../devtools/Scrubber'
import { GroceryApp } from './GroceryApp'
import { groceryHistory } from './histories'
import { Part } from './Part'

// The slider over the event log: drag it and the app below shows that state. The ticks mark
// reducer errors (red), the server's rejection (purple) and the hot reload (orange).
function ScrubberDemo({ theme }: { theme: 'light' | 'dark' }) {
  const store = useMemo(() => groceryHistory(), [])
  return (
    <>
      <Part store={store} theme={theme} height={48}>
        {(client, meta) => <WithPlayback client={client} meta={meta} />}
      </Part>
      <GroceryApp store={store} />
    </>
  )
}

function WithPlayback({ client, meta }: { client: InspectClient; meta: InspectMeta }) {
  const playback = usePlayback(client, meta)
  return <Scrubber client={client} meta={meta} playback={playback} />
}

const meta = {
  title: 'Devtools/Parts/Slider',
  component: ScrubberDemo,
  args: { theme: 'light' },
} satisfies Meta<typeof ScrubberDemo>

export default meta
type Story = StoryObj<typeof meta>

export const WithMarks: Story = {}
export const Dark: Story = { args: { theme: 'dark' } }
