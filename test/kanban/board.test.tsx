// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { rejectionMessage } from '../../examples/kanban/src/rejection'
import { addCard, card, column, renderBoard, titles } from './render'

afterEach(cleanup)

describe('creating cards', () => {
  it('adds a card to the column it was typed in and clears the field', () => {
    renderBoard()
    addCard('Doing', 'Write the docs')
    expect(titles('Doing')).toEqual(['Write the docs'])
    expect(titles('To do')).toEqual([])
    expect(within(column('Doing')).getByLabelText('New card in Doing')).toHaveProperty('value', '')
    expect(within(column('Doing')).getByTestId('column-count').textContent).toBe('1 cards')
  })

  it('shows the command handler’s error for an empty title and adds nothing', () => {
    const { store } = renderBoard()
    addCard('To do', '   ')
    expect(screen.getByRole('alert').textContent).toBe('A card needs a title.')
    expect(titles('To do')).toEqual([])
    expect(store.logs.commands.at(-1)?.error).toBeInstanceOf(Error)
    // The next accepted command clears the message; so does the dismiss button.
    addCard('To do', 'Fixed')
    expect(screen.getByRole('alert').textContent).toBe('')
    addCard('To do', '')
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss error' }))
    expect(screen.getByRole('alert').textContent).toBe('')
  })

  it('says in plain words that the devtools locked the board, not the library message', () => {
    const { store } = renderBoard()
    store.history.lock(true)
    addCard('To do', 'Blocked')
    const alert = screen.getByRole('alert').textContent
    expect(alert).toBe('The board is locked in the devtools: unlock it there to make changes.')
    expect(titles('To do')).toEqual([])
  })

  it("sends Strata's developer messages to the console and shows a plain one", () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const error = new Error('[strata] Unknown command type "archive". Known command types: ...')
    expect(rejectionMessage(error, false)).toBe(
      'That change could not be made (the console has the details).',
    )
    expect(log).toHaveBeenCalledWith(error)
    expect(rejectionMessage(new Error('A card needs a title.'), false)).toBe(
      'A card needs a title.',
    )
    log.mockRestore()
  })
})

describe('editing cards', () => {
  it('saves a new title and description inline', () => {
    renderBoard()
    addCard('To do', 'Draft')
    fireEvent.click(screen.getByRole('button', { name: 'Edit "Draft"' }))
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Final' } })
    fireEvent.change(screen.getByLabelText('Description'), { target: { value: 'Ship it' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(titles('To do')).toEqual(['Final'])
    expect(within(card('Final')).getByText('Ship it')).toBeTruthy()
  })

  it('keeps the editor open with the error when the title is emptied; Escape cancels', () => {
    renderBoard()
    addCard('To do', 'Draft')
    fireEvent.click(screen.getByRole('button', { name: 'Edit "Draft"' }))
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: '' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(screen.getByRole('alert').textContent).toBe('A card needs a title.')
    expect(screen.getByLabelText('Title')).toBeTruthy()
    fireEvent.keyDown(screen.getByLabelText('Title'), { key: 'Escape' })
    expect(screen.queryByLabelText('Title')).toBeNull()
    expect(titles('To do')).toEqual(['Draft'])
  })
})

describe('moving cards with the buttons', () => {
  it('moves between columns and within one', () => {
    renderBoard()
    for (const title of ['A', 'B', 'C']) addCard('To do', title)
    fireEvent.click(screen.getByRole('button', { name: 'Move "C" up' }))
    expect(titles('To do')).toEqual(['A', 'C', 'B'])
    fireEvent.click(screen.getByRole('button', { name: 'Move "A" down' }))
    expect(titles('To do')).toEqual(['C', 'A', 'B'])
    fireEvent.click(screen.getByRole('button', { name: 'Move "A" to Doing' }))
    fireEvent.click(screen.getByRole('button', { name: 'Move "A" to Done' }))
    fireEvent.click(screen.getByRole('button', { name: 'Move "B" to Doing' }))
    expect(titles('To do')).toEqual(['C'])
    expect(titles('Doing')).toEqual(['B'])
    expect(titles('Done')).toEqual(['A'])
  })

  it('offers no move past the board’s edges', () => {
    renderBoard()
    addCard('To do', 'Only')
    const buttons = within(card('Only')).getAllByRole('button')
    const names = buttons.map((b) => b.getAttribute('aria-label'))
    expect(names).toEqual([
      'Move "Only" up',
      'Move "Only" down',
      'Move "Only" to Doing',
      'Edit "Only"',
      'Delete "Only"',
    ])
    expect(screen.getByRole('button', { name: 'Move "Only" up' })).toHaveProperty('disabled', true)
  })
})

describe('deleting cards', () => {
  it('removes the card', () => {
    renderBoard()
    addCard('To do', 'Keep')
    addCard('To do', 'Drop')
    fireEvent.click(screen.getByRole('button', { name: 'Delete "Drop"' }))
    expect(titles('To do')).toEqual(['Keep'])
    expect(screen.queryByRole('article', { name: 'Drop' })).toBeNull()
  })
})
