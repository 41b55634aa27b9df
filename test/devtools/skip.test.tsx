// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { history } from './fixtures'
import { AppView, fakeLayout, renderPanel, rowsOf } from './render'

beforeEach(() => fakeLayout())

describe('skipping an event', () => {
  it('recomputes the states without it, and un-skips', async () => {
    const { store } = renderPanel(history())
    render(<AppView store={store} pick={(s) => s.todos.map((t: any) => t.text).join(',')} />)
    await waitFor(() => expect(rowsOf('Events')).toHaveLength(5))
    fireEvent.click(rowsOf('Events')[1]!)
    fireEvent.click(await screen.findByRole('button', { name: 'Skip' }))
    await waitFor(() =>
      expect(screen.getByRole('status', { name: 'app' }).textContent).toBe('milk'),
    )
    expect(store.logs.events[1]!.skipped).toBe(true)
    await waitFor(() => expect(rowsOf('Events')[1]!.className).toContain('sd-skipped'))
    expect(rowsOf('Events')[1]!.textContent).toContain('skipped')
    fireEvent.click(screen.getByRole('button', { name: 'Un-skip' }))
    await waitFor(() =>
      expect(screen.getByRole('status', { name: 'app' }).textContent).toBe('milk,bread'),
    )
  })

  it('skips the selected event with the S key', async () => {
    const { store } = renderPanel(history())
    await waitFor(() => expect(rowsOf('Events')).toHaveLength(5))
    fireEvent.click(rowsOf('Events')[2]!)
    fireEvent.keyDown(screen.getByRole('listbox', { name: 'Events (5)' }), { key: 's' })
    await waitFor(() => expect(store.logs.events[2]!.skipped).toBe(true))
    expect(store.getState().todos[0]!.done).toBe(false)
  })

  it('shows the changed paths of an event and the server error of a rejected one', async () => {
    const { store } = renderPanel(history())
    await waitFor(() => expect(rowsOf('Events')).toHaveLength(5))
    fireEvent.click(rowsOf('Events')[3]!)
    expect(await screen.findByText('The reducer threw; the state was kept:')).toBeTruthy()
    expect(screen.getByText('No todo zzz')).toBeTruthy()
    fireEvent.click(rowsOf('Events')[2]!)
    expect(await screen.findByRole('button', { name: 'todos.0.done' })).toBeTruthy()
    expect(store.history.isLive).toBe(true)
  })
})
