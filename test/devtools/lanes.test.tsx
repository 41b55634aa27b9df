// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { commandStore, counterStore, history } from './fixtures'
import { fakeLayout, renderPanel, rowsOf } from './render'

beforeEach(() => fakeLayout())

const text = (rows: HTMLElement[]) => rows.map((r) => r.textContent)

describe('the three lanes', () => {
  it('are listboxes of commands, events and states with their rows', async () => {
    renderPanel(history())
    expect(screen.getByRole('listbox', { name: 'Commands (5)' })).toBeTruthy()
    expect(screen.getByRole('listbox', { name: 'Events (5)' })).toBeTruthy()
    expect(screen.getByRole('listbox', { name: 'States (6)' })).toBeTruthy()
    await waitFor(() => expect(text(rowsOf('Events'))[1]).toContain('added'))
    expect(text(rowsOf('Events'))[1]).toContain('"bread"')
    await waitFor(() => expect(text(rowsOf('States'))[3]).toContain('todos.0.done'))
    expect(rowsOf('Events')[0]!.getAttribute('aria-setsize')).toBe('5')
  })

  it('mark reducer errors and rejected commands', async () => {
    const store = commandStore()
    store.dispatch({ type: 'add', payload: { text: 'tea' } })
    store.dispatch({ type: 'add', payload: { text: '  ' } })
    store.dispatch({ type: 'toggle', payload: { id: 'nope' } })
    renderPanel(store)
    await waitFor(() => expect(rowsOf('Commands')[1]!.className).toContain('sd-failed'))
    expect(rowsOf('Commands')[1]!.textContent).toContain('rejected')
    await waitFor(() => expect(rowsOf('Events')[1]!.className).toContain('sd-failed'))
    expect(rowsOf('Events')[1]!.getAttribute('aria-label')).toBe('Event 1 toggled, failed')
  })

  it('link a command to its events and states, and back', async () => {
    const store = commandStore()
    store.dispatch({ type: 'add', payload: { text: 'a' } })
    store.dispatch({ type: 'filter', payload: 'open' })
    store.dispatch({ type: 'add', payload: { text: 'b' } })
    renderPanel(store)
    await waitFor(() => expect(rowsOf('Commands')).toHaveLength(3))
    fireEvent.click(rowsOf('Commands')[1]!)
    await waitFor(() => expect(rowsOf('Events')[1]!.className).toContain('sd-related'))
    expect(rowsOf('States')[2]!.className).toContain('sd-related')
    expect(rowsOf('Events')[0]!.className).not.toContain('sd-related')
    fireEvent.click(rowsOf('Events')[2]!)
    await waitFor(() => expect(rowsOf('Commands')[2]!.className).toContain('sd-related'))
    expect(rowsOf('Events')[2]!.getAttribute('aria-selected')).toBe('true')
  })

  it('move the selection with the keyboard and jump with Enter', async () => {
    const { store } = renderPanel(history())
    const events = screen.getByRole('listbox', { name: 'Events (5)' })
    fireEvent.keyDown(events, { key: 'Home' })
    fireEvent.keyDown(events, { key: 'ArrowDown' })
    await waitFor(() => expect(rowsOf('Events')[1]!.getAttribute('aria-selected')).toBe('true'))
    expect(events.getAttribute('aria-activedescendant')).toBe(rowsOf('Events')[1]!.id)
    fireEvent.keyDown(events, { key: 'Enter' })
    await waitFor(() => expect(store.history.cursor).toBe(2))
    expect(rowsOf('Events')[3]!.className).toContain('sd-future')
  })

  it('render only the rows on screen of a million events', async () => {
    const store = counterStore(1_000_000)
    renderPanel(store)
    const lane = screen.getByRole('listbox', { name: 'Events (1,000,000)' })
    // The panel follows the live cursor: the last rows are in view.
    await waitFor(() => expect(rowsOf('Events').at(-1)!.textContent).toContain('999999'))
    // A few blocks of 32 rows around the viewport, out of a million.
    expect(rowsOf('Events').length).toBeLessThan(200)
    fireEvent.keyDown(lane, { key: 'Home' })
    await waitFor(() => expect(rowsOf('Events')[0]!.textContent).toMatch(/^0inc/))
  }, 30_000)
})
