import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useMemo } from 'react'
import { StrataDevtools, type StrataDevtoolsProps } from '../devtools/index'
import { GroceryApp } from './GroceryApp'
import { counterHistory, groceryHistory } from './histories'

type Props = Omit<StrataDevtoolsProps, 'store'> & {
  /** Which generated history: groceries (commands, errors, a rejection, a hot reload) or a counter. */
  history: 'groceries' | '100k events' | '1M events'
  /** Lock the store (`history.lock()`): the app's dispatches record nothing. */
  locked?: boolean
}

// The in-page panel over an app, as users get it from `@strata/state/devtools`. Histories are
// built when a story renders, not when the file loads.
function Demo({ history, locked = false, ...props }: Props) {
  const store = useMemo(
    () =>
      history === 'groceries'
        ? groceryHistory()
        : counterHistory(history === '1M events' ? 1_000_000 : 100_000),
    [history],
  )
  useEffect(() => store.history.lock(locked), [store, locked])
  return (
    <>
      {history === 'groceries' && <GroceryApp store={store as ReturnType<typeof groceryHistory>} />}
      <StrataDevtools store={store} {...props} />
    </>
  )
}

const meta = {
  title: 'Devtools/Panel',
  component: Demo,
  args: {
    history: 'groceries',
    initialIsOpen: true,
    forceEnable: true,
    theme: 'light',
    position: 'bottom',
    name: 'groceries',
  },
  argTypes: { history: { control: 'select', options: ['groceries', '100k events', '1M events'] } },
  beforeEach: () => localStorage.removeItem('strata-devtools'),
} satisfies Meta<typeof Demo>

export default meta
type Story = StoryObj<typeof meta>

export const Open: Story = {}

export const Dark: Story = { args: { theme: 'dark' } }

export const DockedRight: Story = { args: { position: 'right' } }

export const Closed: Story = { args: { initialIsOpen: false } }

/** The store locked: the toolbar shows it, and the app's Add records nothing until unlocked. */
export const Locked: Story = { args: { locked: true } }

export const WithSelectors: Story = {
  args: { selectors: { openItems: (s: any) => s.items.filter((i: any) => !i.done).length } },
}

/** The timeline and slider at 100,000 events: only the rows on screen exist. */
export const HundredThousandEvents: Story = { args: { history: '100k events' } }

/** A million events. Building the history takes a second or two, once. */
export const MillionEvents: Story = { args: { history: '1M events' } }
