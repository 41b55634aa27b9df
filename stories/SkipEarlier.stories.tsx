import type { Meta, StoryObj } from '@storybook/react-vite'
import { type HistoryPage, replicaOf } from '@strata/state/sync'
import { useMemo, useState } from 'react'
import { StrataDevtools } from '../devtools/index'
import { GroceryApp } from './GroceryApp'
import { type GroceryEvent, groceryStore } from './histories'

// A synced store whose window holds only its recent history: the first events were settled and
// paged out (as the sync client does past `history.window`). "Skip" on the first item calls
// `history.toggleEarlier`, which pages earlier history in until the event is in memory (the
// panel's rows turn from "earlier history" into events), then folds every later state again.
function windowed(events: number, kept: number, pageMs: number) {
  const store = groceryStore()
  const replica = replicaOf(store)
  const texts = ['milk', 'eggs', 'coffee beans', 'apples', 'butter', 'penne']
  const wire = (i: number): GroceryEvent =>
    i < 6
      ? { type: 'itemAdded', payload: { id: `i${i}`, text: texts[i]!, qty: 1 } }
      : i % 3
        ? { type: 'qtyChanged', payload: { id: `i${i % 6}`, qty: 1 + (i % 9) } }
        : { type: 'itemToggled', payload: { id: `i${i % 6}` } }
  replica.pull(
    Array.from({ length: events }, (_, i) => ({
      id: `e${i}`,
      event: wire(i),
      at: Date.now() - (events - i) * 60_000,
      position: `v1:${i + 1}`,
    })),
  )
  const pages: HistoryPage<unknown>[] = []
  while (store.history.start + 50 <= events - kept) pages.push(replica.evict(50)!)
  replica.setEarlier({
    // A page a while, as IndexedDB or the server would answer.
    load: async (count = 50) => {
      let loaded = 0
      while (loaded < count && pages.length) {
        await new Promise((r) => setTimeout(r, pageMs))
        const page = pages.pop()!
        replica.extend(page)
        loaded += page.events.length
      }
      return loaded
    },
    refold: async () => store.getInitialState(),
    // Pages in until the event is in memory, then toggle takes it (a sync client folds the
    // history again from its server instead, keeping only the window in memory).
    toggle: async (id) => {
      while (!store.logs.events.some((e) => e.id === id) && pages.length) {
        await new Promise((r) => setTimeout(r, pageMs))
        replica.extend(pages.pop()!)
      }
      return undefined
    },
  })
  return store
}

function SkipEarlier({ events, kept, pageMs }: { events: number; kept: number; pageMs: number }) {
  const store = useMemo(() => windowed(events, kept, pageMs), [events, kept, pageMs])
  const [status, setStatus] = useState('')
  const skip = async () => {
    setStatus(`paging in from event ${store.history.start}…`)
    try {
      const skipped = await store.history.toggleEarlier('e0')
      setStatus(
        `milk (event 0) ${skipped ? 'skipped' : 'un-skipped'}; window starts at ${store.history.start}`,
      )
    } catch (error) {
      setStatus(String(error))
    }
  }
  return (
    <>
      <div style={{ fontFamily: 'system-ui', padding: '12px 24px 0' }}>
        <button type="button" onClick={skip}>
          Skip or un-skip “milk” (event 0, before the window)
        </button>{' '}
        <output aria-label="status">{status}</output>
      </div>
      <GroceryApp store={store} />
      <StrataDevtools store={store} name="groceries" initialIsOpen forceEnable theme="light" />
    </>
  )
}

const meta = {
  title: 'Devtools/Skip before the window',
  component: SkipEarlier,
  args: { events: 2000, kept: 300, pageMs: 60 },
  beforeEach: () => localStorage.removeItem('strata-devtools'),
} satisfies Meta<typeof SkipEarlier>

export default meta
type Story = StoryObj<typeof meta>

export const SkipEarlierEvent: Story = {}
