import type { Meta, StoryObj } from '@storybook/react-vite'
import type { Store } from '@strata/state'
import { useEffect, useMemo } from 'react'
import { StrataDevtools, type StrataDevtoolsProps } from '../devtools/index'
import { GroceryApp } from './GroceryApp'
import { groceryHistory } from './histories'
import { TrafficApp } from './TrafficApp'
import { type Traffic, trafficHistory } from './traffic'

type Props = Omit<StrataDevtoolsProps, 'store'> & {
  /**
   * Which generated history: a grocery list (commands, errors, a rejection, a hot reload), or a
   * site's traffic (page views, sign-ups, releases) of 100,000 or 1,000,000 events.
   */
  history: 'groceries' | 'traffic, 100k events' | 'traffic, 1M events'
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
        : trafficHistory(history === 'traffic, 1M events' ? 1_000_000 : 100_000),
    [history],
  )
  useEffect(() => store.history.lock(locked), [store, locked])
  const groceries = history === 'groceries'
  return (
    <>
      {groceries ? (
        <GroceryApp store={store as ReturnType<typeof groceryHistory>} />
      ) : (
        <TrafficApp store={store as Store<Traffic, any, any>} />
      )}
      <StrataDevtools store={store} {...props} name={groceries ? 'groceries' : 'traffic'} />
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
  },
  argTypes: {
    history: {
      control: 'select',
      options: ['groceries', 'traffic, 100k events', 'traffic, 1M events'],
    },
  },
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

/** A traffic dashboard folded from 100,000 events: only the rows on screen exist. */
export const Traffic100kEvents: Story = { args: { history: 'traffic, 100k events' } }

/**
 * A million events behind a traffic dashboard (page views, sign-ups, a release every 20,000):
 * scrub the slider and the figures follow.
 * Building the history takes a few seconds, once.
 */
export const Traffic1MEvents: Story = { args: { history: 'traffic, 1M events' } }
