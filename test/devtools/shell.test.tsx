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
    expect(shadow().queryByRole('region', { name: 'Strata devtools' })).toBeNull()
    fireEvent.click(open)
    const panel = shadow().getByRole('region', { name: 'Strata devtools' })
    expect(panel.getAttribute('data-dock')).toBe('bottom')
    expect(shadow().getByRole('listbox', { name: 'Events (5)' })).toBeTruthy()
    fireEvent.keyDown(shadow().getByRole('listbox', { name: 'Events (5)' }), { key: 'Escape' })
    expect(shadow().getByRole('button', { name: 'Open Strata devtools' })).toBeTruthy()
  })

  it('keeps its styles in a shadow root, out of the page and the page out of it', async () => {
    render(<StrataDevtools store={history()} initialIsOpen />)
    await waitFor(() => shadow().getByRole('region', { name: 'Strata devtools' }))
    const host = document.querySelector('strata-devtools')!
    expect(host.shadowRoot!.querySelector('style')!.textContent).toContain(
      ':host { all: initial; }',
    )
    expect(document.head.querySelector('style')).toBeNull()
    expect(document.querySelectorAll('.sd-row')).toHaveLength(0)
  })

  it('docks right, resizes by keyboard, switches theme, and remembers', async () => {
    const { unmount } = render(<StrataDevtools store={history()} initialIsOpen theme="light" />)
    const region = await waitFor(() => shadow().getByRole('region', { name: 'Strata devtools' }))
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
    const again = await waitFor(() => shadow().getByRole('region', { name: 'Strata devtools' }))
    expect(again.getAttribute('data-dock')).toBe('right')
    expect(again.getAttribute('data-theme')).toBe('dark')
  })

  it('renders nothing in production unless forced', async () => {
    vi.stubEnv('NODE_ENV', 'production')
    const { container } = render(<StrataDevtoolsDefault store={history()} initialIsOpen />)
    expect(container.innerHTML).toBe('')
    expect(document.querySelector('strata-devtools')).toBeNull()
    render(<StrataDevtools store={history()} initialIsOpen forceEnable />)
    await waitFor(() => shadow().getByRole('region', { name: 'Strata devtools' }))
  })
})
