// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { history } from './fixtures'
import { fakeLayout, renderPanel, rowsOf } from './render'

beforeEach(() => fakeLayout())

function openStateTab() {
  fireEvent.click(screen.getByRole('tab', { name: 'State' }))
  return screen.findByRole('tree', { name: 'State 5' })
}

describe('the state tree', () => {
  it('shows the viewed state, collapsible, two levels open', async () => {
    renderPanel(history())
    const tree = await openStateTab()
    expect(within(tree).getByText('"milk"')).toBeTruthy()
    expect(within(tree).getByText('"open"')).toBeTruthy()
    const todos = within(tree).getByRole('treeitem', { name: 'todos' })
    fireEvent.click(within(todos).getByRole('button', { name: 'Collapse todos' }))
    expect(within(tree).queryByText('"milk"')).toBeNull()
    fireEvent.click(within(todos).getByRole('button', { name: 'Expand todos' }))
    expect(within(tree).getByText('"milk"')).toBeTruthy()
  })

  it('searches keys and values, opening what matches', async () => {
    renderPanel(history())
    const tree = await openStateTab()
    fireEvent.click(within(tree).getByRole('button', { name: 'Collapse state' }))
    expect(within(tree).queryByText('"bread"')).toBeNull()
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search State 5' }), {
      target: { value: 'brea' },
    })
    expect(within(tree).getByText('"bread"').closest('.sd-node')!.className).toContain('sd-match')
    expect(screen.getByText('1 found')).toBeTruthy()
  })

  it('copies a path and a value', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined)
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } })
    renderPanel(history())
    const tree = await openStateTab()
    const done = within(tree).getAllByRole('treeitem', { name: 'done' })[0]!
    fireEvent.click(within(done).getByRole('button', { name: /Copy the path/ }))
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('todos.0.done'))
    fireEvent.click(within(tree).getByRole('button', { name: 'Copy the value of todos' }))
    await waitFor(() => expect(JSON.parse(writeText.mock.calls[1]![0])).toHaveLength(2))
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Copied value'))
  })

  it('watches a path: the events that changed it are marked', async () => {
    renderPanel(history())
    const tree = await openStateTab()
    const done = within(tree).getAllByRole('treeitem', { name: 'done' })[0]!
    fireEvent.click(within(done).getByRole('button', { name: 'Watch todos.0.done' }))
    await waitFor(() =>
      expect(
        rowsOf('Events')
          .filter((r) => r.className.includes('sd-touched'))
          .map((r) => r.getAttribute('aria-posinset')),
      ).toEqual(['1', '3']),
    )
    expect(screen.getByRole('button', { name: /watching todos.0.done/ })).toBeTruthy()
  })

  it('bisects a path from the tree to the event that set it', async () => {
    renderPanel(history())
    const tree = await openStateTab()
    const filter = within(tree).getByRole('treeitem', { name: 'filter' })
    fireEvent.click(within(filter).getByRole('button', { name: 'Bisect filter' }))
    expect(
      (screen.getByRole('textbox', { name: 'Path to bisect' }) as HTMLInputElement).value,
    ).toBe('filter')
    fireEvent.click(screen.getByRole('button', { name: 'Bisect' }))
    expect(await screen.findByRole('button', { name: '4 filtered' })).toBeTruthy()
    expect(screen.getByText(/states looked at/).textContent).toMatch(/^\d states looked at/)
  })
})
