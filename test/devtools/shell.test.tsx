// @vitest-environment jsdom
import { fireEvent, render, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import StrataDevtoolsDefault, { StrataDevtools } from '../../devtools/index'
import { history } from './fixtures'
import { fakeLayout } from './render'

beforeEach(() => {
  localStorage.clear()
  fakeLayout()
})
afterEach(() => vi.unstubAllEnvs())

/** The panel lives in a shadow root: queries start inside it. */
function shadow() {
  const host = document.querySelector('strata-devtools')
  const mount = host?.shadowRoot?.querySelector<HTMLElement>('.sd-mount')
  if (!mount) throw new Error('no devtools shadow root')
  return within(mount)
}

describe('<StrataDevtools>', () => {
  it('is closed behind a small button, and opens into a docked panel', async () => {
    render(<StrataDevtools store={history()} />)
    const open = await waitFor(() => shadow().getByRole('button', { name: 'Open Strata devtools' }))
    expect(shadow().queryByRole('region', { name: /^Strata devtools/ })).toBeNull()
    fireEvent.click(open)
    const panel = shadow().getByRole('region', { name: /^Strata devtools/ })
    expect(panel.getAttribute('data-dock')).toBe('bottom')
    expect(shadow().getByRole('listbox', { name: 'Events (5)' })).toBeTruthy()
    fireEvent.keyDown(shadow().getByRole('listbox', { name: 'Events (5)' }), { key: 'Escape' })
    expect(shadow().getByRole('button', { name: 'Open Strata devtools' })).toBeTruthy()
  })

  it('keeps its styles in a shadow root, out of the page and the page out of it', async () => {
    render(<StrataDevtools store={history()} initialIsOpen />)
    await waitFor(() => shadow().getByRole('region', { name: /^Strata devtools/ }))
    const host = document.querySelector('strata-devtools')!
    expect(host.shadowRoot!.querySelector('style')!.textContent).toContain(
      ':host { all: initial; }',
    )
    expect(document.head.querySelector('style')).toBeNull()
    expect(document.querySelectorAll('.sd-row')).toHaveLength(0)
  })

  it('docks right, resizes by keyboard, switches theme, and remembers', async () => {
    const { unmount } = render(<StrataDevtools store={history()} initialIsOpen theme="light" />)
    const region = await waitFor(() => shadow().getByRole('region', { name: /^Strata devtools/ }))
    fireEvent.click(shadow().getByRole('button', { name: 'Dock to the right' }))
    expect(region.getAttribute('data-dock')).toBe('right')
    const splitter = shadow().getByRole('separator', { name: 'Resize the devtools' })
    const before = Number(splitter.getAttribute('aria-valuenow'))
    fireEvent.keyDown(splitter, { key: 'ArrowLeft' })
    expect(Number(splitter.getAttribute('aria-valuenow'))).toBe(before + 24)
    fireEvent.click(shadow().getByRole('button', { name: 'Use the dark theme' }))
    expect(region.getAttribute('data-theme')).toBe('dark')
    unmount()
    render(<StrataDevtools store={history()} initialIsOpen />)
    const again = await waitFor(() => shadow().getByRole('region', { name: /^Strata devtools/ }))
    expect(again.getAttribute('data-dock')).toBe('right')
    expect(again.getAttribute('data-theme')).toBe('dark')
  })

  it('remembers its settings per store name, and makes room on the page while open', async () => {
    document.body.style.paddingBottom = '3px'
    const { unmount } = render(
      <>
        <StrataDevtools store={history()} name="board" />
        <StrataDevtools store={history()} name="prefs" buttonPosition="bottom-left" />
      </>,
    )
    const hosts = () => [...document.querySelectorAll('strata-devtools')]
    const inHost = (i: number) =>
      within(hosts()[i]!.shadowRoot!.querySelector<HTMLElement>('.sd-mount')!)
    await waitFor(() => inHost(1).getByRole('button', { name: 'Open Strata devtools for prefs' }))
    fireEvent.click(inHost(0).getByRole('button', { name: 'Open Strata devtools for board' }))
    // On top of the page's own padding: calc(3px + 380px), which jsdom folds.
    expect(document.body.style.paddingBottom).toBe('calc(383px)')
    expect(document.documentElement.style.getPropertyValue('--strata-devtools-bottom')).toBe(
      '380px',
    )
    // The other store's launcher moves above the open panel.
    const launcher = inHost(1).getByRole('button', { name: 'Open Strata devtools for prefs' })
    expect(launcher.style.bottom).toBe('396px')
    unmount()
    expect(document.body.style.paddingBottom).toBe('3px')
    render(
      <>
        <StrataDevtools store={history()} name="board" />
        <StrataDevtools store={history()} name="prefs" />
      </>,
    )
    await waitFor(() => inHost(0).getByRole('region', { name: 'Strata devtools for board' }))
    expect(inHost(1).queryByRole('region')).toBeNull()
  })

  it('draws over the page with `overlay`', async () => {
    document.body.style.paddingBottom = ''
    render(<StrataDevtools store={history()} initialIsOpen overlay />)
    await waitFor(() => shadow().getByRole('region', { name: /^Strata devtools/ }))
    expect(document.body.style.paddingBottom).toBe('')
  })

  it('renders nothing in production unless forced', async () => {
    vi.stubEnv('NODE_ENV', 'production')
    const { container } = render(<StrataDevtoolsDefault store={history()} initialIsOpen />)
    expect(container.innerHTML).toBe('')
    expect(document.querySelector('strata-devtools')).toBeNull()
    render(<StrataDevtools store={history()} initialIsOpen forceEnable />)
    await waitFor(() => shadow().getByRole('region', { name: /^Strata devtools/ }))
  })
})
