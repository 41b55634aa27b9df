import type { Store } from '@strata/state'
import { type InspectHostOptions, inspect } from '@strata/state/inspect'
import { cleanup, render } from '@testing-library/react'
import { useSyncExternalStore } from 'react'
import { afterEach, vi } from 'vitest'
import { PanelFrame } from '../../devtools/PanelFrame'

/**
 * jsdom has no layout, and react-virtual renders only the rows that fit its scroll element:
 * give every element a size so a lane shows about 20 rows.
 */
export function fakeLayout(height = 440, width = 1200) {
  const rect = { x: 0, y: 0, top: 0, left: 0, right: width, bottom: height, width, height }
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({
    ...rect,
    toJSON: () => rect,
  } as DOMRect)
  for (const [prop, value] of [
    ['clientHeight', height],
    ['offsetHeight', height],
    ['clientWidth', width],
    ['offsetWidth', width],
  ] as const) {
    Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => value })
  }
  // A virtual list's scroll height is the height of its sizer, its first child.
  Object.defineProperty(HTMLElement.prototype, 'scrollHeight', {
    configurable: true,
    get(this: HTMLElement) {
      const sizer = this.firstElementChild as HTMLElement | null
      return Math.max(height, Number.parseFloat(sizer?.style.height ?? '') || 0)
    },
  })
  // jsdom keeps no scroll position: keep one per element, and announce changes as a browser does.
  const offsets = new WeakMap<Element, number>()
  Object.defineProperty(HTMLElement.prototype, 'scrollTop', {
    configurable: true,
    get(this: Element) {
      return offsets.get(this) ?? 0
    },
    set(this: Element, top: number) {
      offsets.set(this, top)
      // Browsers fire scroll events after the scroll, never inside the code that scrolled.
      queueMicrotask(() => this.dispatchEvent(new Event('scroll')))
    },
  })
  HTMLElement.prototype.scrollTo = function (
    this: HTMLElement,
    options?: ScrollToOptions | number,
  ) {
    if (typeof options === 'object' && options.top !== undefined) this.scrollTop = options.top
  } as typeof HTMLElement.prototype.scrollTo
}

const open: { close(): void }[] = []
afterEach(() => {
  cleanup()
  for (const o of open.splice(0)) o.close()
  vi.restoreAllMocks()
})

/** The panel (without its floating shell) over an in-page host of `store`. */
export function renderPanel(
  store: Store<any, any, any>,
  options: Omit<InspectHostOptions, 'transport'> = {},
) {
  const inspection = inspect(store, options)
  open.push(inspection)
  const utils = render(<PanelFrame client={inspection.client} style={{ height: 600 }} />)
  return { ...utils, ...inspection, store }
}

/** A stand-in for the user's app: shows the store's state, re-rendering as it changes. */
export function AppView({
  store,
  pick,
}: {
  store: Store<any, any, any>
  pick(state: any): string
}) {
  const state = useSyncExternalStore(store.subscribe, store.getState)
  return <output aria-label="app">{pick(state)}</output>
}

/** Rows of the lane named `name` (Commands, Events, States). */
export function rowsOf(name: string, root: HTMLElement = document.body) {
  const lane = root.querySelector(`[role="listbox"][aria-label^="${name} ("]`)
  if (!lane) throw new Error(`no lane ${name}`)
  return [...lane.querySelectorAll<HTMLElement>('[role="option"]')]
}
