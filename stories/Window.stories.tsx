import type { Meta, StoryObj } from '@storybook/react-vite'
import { broadcastTransport, createInspectClient, createInspectHost } from '@strata/state/inspect'
import { useEffect, useMemo } from 'react'
import { StrataDevtoolsPanel } from '../devtools/index'
import { groceryHistory } from './histories'

// The panel as a window of its own: the app's page hosts the store on a BroadcastChannel and
// the panel is a client of it. Here both ends share one page, as two windows would.
function Window({ theme }: { theme: 'light' | 'dark' }) {
  const channel = useMemo(() => `strata-story-${Math.random()}`, [])
  const store = useMemo(() => groceryHistory(), [])
  const host = useMemo(
    () => createInspectHost(store, { transport: broadcastTransport(channel), name: 'groceries' }),
    [store, channel],
  )
  const client = useMemo(
    () => createInspectClient({ transport: broadcastTransport(channel), channel: 'groceries' }),
    [channel],
  )
  useEffect(
    () => () => {
      client.close()
      host.close()
    },
    [client, host],
  )
  return <StrataDevtoolsPanel client={client} theme={theme} />
}

const meta = {
  title: 'Devtools/Own window (BroadcastChannel)',
  component: Window,
  args: { theme: 'light' },
} satisfies Meta<typeof Window>

export default meta
type Story = StoryObj<typeof meta>

export const OwnWindow: Story = {}
