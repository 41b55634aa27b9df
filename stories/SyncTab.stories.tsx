import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { createMockServer } from '@strata/state/msw'
import { connectSync } from '@strata/state/sync'
import { useEffect, useMemo } from 'react'
import { StrataDevtools } from '../devtools/index'
import { GroceryApp } from './GroceryApp'
import { groceryStore } from './histories'

// The Sync tab against the real event server, mocked by msw in the browser: add items and watch
// the outbox drain; "caviar" is refused by the server's validator and shows its error.
const noCaviar: StandardSchemaV1 = {
  '~standard': {
    version: 1,
    vendor: 'story',
    validate: (value) =>
      JSON.stringify(value).includes('caviar')
        ? { issues: [{ message: 'Caviar is not allowed on this list' }] }
        : { value },
  },
}
const mock = createMockServer({
  baseUrl: '/api',
  validate: { itemAdded: noCaviar },
  latencyMs: 400,
})

function SyncDemo({ paused }: { paused: boolean }) {
  const store = useMemo(() => groceryStore(), [])
  const sync = useMemo(
    () =>
      connectSync(store, { url: '/api', persist: false, live: 'off', batch: { maxDelayMs: 300 } }),
    [store],
  )
  useEffect(() => {
    if (paused) sync.pause()
    for (const text of ['milk', 'eggs', 'caviar', 'bread'])
      store.dispatch({ type: 'add', payload: { text } })
    return () => void sync.close()
  }, [store, sync, paused])
  return (
    <>
      <GroceryApp store={store} />
      <StrataDevtools store={store} sync={sync} initialIsOpen forceEnable theme="light" />
    </>
  )
}

const meta = {
  title: 'Devtools/Parts/Sync tab',
  component: SyncDemo,
  args: { paused: false },
  parameters: { msw: { handlers: mock.handlers } },
  beforeEach: () => localStorage.removeItem('strata-devtools'),
} satisfies Meta<typeof SyncDemo>

export default meta
type Story = StoryObj<typeof meta>

/** Opens the Sync tab (in the panel's shadow root) once the panel is up. */
async function openSyncTab({ canvasElement }: { canvasElement: HTMLElement }) {
  for (let i = 0; i < 50; i++) {
    const root = canvasElement.ownerDocument.querySelector('strata-devtools')?.shadowRoot
    const tab = [...(root?.querySelectorAll<HTMLElement>('[role=tab]') ?? [])].find(
      (t) => t.textContent === 'Sync',
    )
    if (tab) return tab.click()
    await new Promise((r) => setTimeout(r, 50))
  }
}

export const Syncing: Story = { play: openSyncTab }
export const Paused: Story = { args: { paused: true }, play: openSyncTab }
