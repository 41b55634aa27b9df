// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { history } from './fixtures'
import { AppView, fakeLayout, renderPanel, rowsOf } from './render'

beforeEach(() => fakeLayout())

const lockButton = () => screen.getByRole('button', { name: 'Lock' })

describe('locking the store', () => {
  it('locks from the toolbar: the app dispatches, nothing is recorded, until unlocked', async () => {
    const { store } = renderPanel(history())
    render(<AppView store={store} pick={(s) => s.filter} />)
    await waitFor(() => expect(rowsOf('Events')).toHaveLength(5))
    expect(lockButton().getAttribute('aria-pressed')).toBe('false')
    expect(screen.queryByText('locked')).toBeNull()
    fireEvent.click(lockButton())
    await waitFor(() => expect(lockButton().getAttribute('aria-pressed')).toBe('true'))
    expect(store.history.locked).toBe(true)
    expect(screen.getByText('locked').className).toContain('sd-badge')

    const result = store.dispatch({ type: 'filtered', payload: 'all' })
    expect((result.error as Error).message).toMatch(/locked/)
    expect(store.logs.events).toHaveLength(5)
    expect(screen.getByRole('status', { name: 'app' }).textContent).toBe('open')
    expect(screen.getByRole('listbox', { name: 'Events (5)' })).toBeTruthy()

    fireEvent.click(lockButton())
    await waitFor(() => expect(lockButton().getAttribute('aria-pressed')).toBe('false'))
    expect(screen.queryByText('locked')).toBeNull()
    store.dispatch({ type: 'filtered', payload: 'all' })
    await waitFor(() => expect(rowsOf('Events')).toHaveLength(6))
    expect(screen.getByRole('status', { name: 'app' }).textContent).toBe('all')
  })

  it('shows a lock set elsewhere (the Redux DevTools bridge, the app)', async () => {
    const { store } = renderPanel(history())
    await waitFor(() => expect(rowsOf('Events')).toHaveLength(5))
    store.history.lock()
    await waitFor(() => expect(lockButton().getAttribute('aria-pressed')).toBe('true'))
    expect(screen.getByText('locked')).toBeTruthy()
  })
})

describe('changes made outside the panel', () => {
  it('shows a skip after the viewed state and a commit, though the app state stays', async () => {
    const { store } = renderPanel(history())
    await waitFor(() => expect(rowsOf('Events')).toHaveLength(5))
    store.history.jumpTo(2)
    store.history.toggle(store.logs.events[4]!.id)
    await waitFor(() => expect(rowsOf('Events')[4]!.className).toContain('sd-skipped'))
    store.history.commit()
    await waitFor(() => expect(rowsOf('Events')).toHaveLength(3))
    expect(screen.getByRole('listbox', { name: 'Events (3)' })).toBeTruthy()
  })
})
