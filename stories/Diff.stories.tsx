import type { Meta, StoryObj } from '@storybook/react-vite'
import { useMemo } from 'react'
import { DiffView } from '../devtools/DiffView'
import { groceryHistory } from './histories'
import { Part } from './Part'

// Diffs by jsondiffpatch: the viewed state against the previous one, or any two states.
function Diff({ at, theme }: { at: number; theme: 'light' | 'dark' }) {
  const store = useMemo(() => {
    const s = groceryHistory()
    s.history.jumpTo(Math.min(at, s.history.length))
    return s
  }, [at])
  return (
    <Part store={store} theme={theme} height={360}>
      {(_client, meta) => (
        <div className="sd-tabpanel">
          <DiffView meta={meta} selectedState={3} />
        </div>
      )}
    </Part>
  )
}

const meta = {
  title: 'Devtools/Parts/Diff',
  component: Diff,
  args: { at: 40, theme: 'light' },
} satisfies Meta<typeof Diff>

export default meta
type Story = StoryObj<typeof meta>

export const ViewedVsPrevious: Story = {}
export const Dark: Story = { args: { theme: 'dark', at: 90 } }
