import type { Meta, StoryObj } from '@storybook/react-vite'
import { useMemo } from 'react'
import { StateView } from '../devtools/StateView'
import { groceryHistory } from './histories'
import { Part } from './Part'

// The state tree: collapsible, searchable; copy a path or value, watch or bisect a path.
function Tree({ index, theme }: { index?: number; theme: 'light' | 'dark' }) {
  const store = useMemo(() => groceryHistory(), [])
  return (
    <Part store={store} theme={theme} height={520}>
      {(_client, meta) => (
        <div className="sd-tabpanel">
          <StateView
            meta={meta}
            index={index ?? meta.cursor}
            watch={['items', 0, 'done']}
            onWatch={() => {}}
            onBisect={() => {}}
          />
        </div>
      )}
    </Part>
  )
}

const meta = {
  title: 'Devtools/Parts/State tree',
  component: Tree,
  args: { theme: 'light' },
} satisfies Meta<typeof Tree>

export default meta
type Story = StoryObj<typeof meta>

export const ViewedState: Story = {}
export const EarlyState: Story = { args: { index: 8 } }
export const Dark: Story = { args: { theme: 'dark' } }
