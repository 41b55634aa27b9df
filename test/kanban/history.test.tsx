// @vitest-environment jsdom
import { replicaOf } from '@strata/state/sync'
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { addCard, column, renderBoard, titles } from './render'

afterEach(cleanup)

const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement

const slider = () => screen.getByLabelText('Time travel')

describe('undo and redo change the board; the slider looks at history', () => {
  it('undoes and redoes a move, an add, an edit and a delete as new commands', () => {
    const { store } = renderBoard()
    addCard('To do', 'One')
    addCard('To do', 'Two')
    fireEvent.click(screen.getByRole('button', { name: 'Move "Two" to Doing' }))
    expect(screen.getByTestId('history-position').textContent).toBe('3 / 3')

    fireEvent.click(button('Undo'))
    expect(titles('To do')).toEqual(['One', 'Two'])
    expect(titles('Doing')).toEqual([])
    // Undo is a command like any other: a new event, and the board stays live and editable.
    expect(store.history.isLive).toBe(true)
    expect(screen.getByTestId('history-position').textContent).toBe('4 / 4')
    expect(store.logs.events.at(-1)?.type).toBe('card/moved')
    expect(button('Delete "One"').matches(':disabled')).toBe(false)

    fireEvent.click(button('Undo'))
    expect(titles('To do')).toEqual(['One'])
    fireEvent.click(button('Redo'))
    expect(titles('To do')).toEqual(['One', 'Two'])
    fireEvent.click(button('Redo'))
    expect(titles('Doing')).toEqual(['Two'])
    expect(button('Redo').disabled).toBe(true)

    fireEvent.click(button('Edit "One"'))
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'One, edited' } })
    fireEvent.click(button('Save'))
    fireEvent.click(button('Delete "One, edited"'))
    expect(titles('To do')).toEqual([])
    fireEvent.click(button('Undo'))
    expect(titles('To do')).toEqual(['One, edited'])
    fireEvent.click(button('Undo'))
    expect(titles('To do')).toEqual(['One'])
    expect(store.logs.events.map((e) => e.type).slice(-4)).toEqual([
      'card/edited',
      'card/deleted',
      'card/restored',
      'card/edited',
    ])
  })

  it('the slider shows the past read-only, without changing it; Live comes back', () => {
    const { store } = renderBoard()
    addCard('To do', 'One')
    addCard('To do', 'Two')
    fireEvent.change(slider(), { target: { value: '1' } })
    expect(titles('To do')).toEqual(['One'])
    expect(screen.getByRole('status', { name: '' }).textContent).toContain('after change 1 of 2')
    // Editing is off while looking back: no add form, controls disabled, no undo.
    expect(within(column('To do')).queryByLabelText('New card in To do')).toBeNull()
    expect(button('Delete "One"').matches(':disabled')).toBe(true)
    expect(button('Undo').disabled).toBe(true)
    expect(store.logs.events).toHaveLength(2)

    fireEvent.click(button('Back to live'))
    expect(titles('To do')).toEqual(['One', 'Two'])
    expect(store.history.isLive).toBe(true)
  })

  it('says how many events arrived from elsewhere while the past is viewed', () => {
    const { store } = renderBoard()
    addCard('To do', 'Mine')
    fireEvent.change(slider(), { target: { value: '0' } })
    expect(button('Back to live')).toBeTruthy()
    // Another window's cards, pulled from the server while this one looks back.
    act(() => {
      replicaOf(store).pull(
        ['Theirs', 'Also theirs'].map((title, i) => ({
          id: `other/${i}`,
          event: { type: 'card/created', payload: { id: `c${i}`, columnId: 'todo', title, at: 1 } },
          at: 1,
          position: `v1:${i + 1}`,
        })),
      )
    })
    expect(screen.getByRole('status', { name: '' }).textContent).toContain('after change 0 of 3')
    fireEvent.click(button('2 new events, go live'))
    expect(titles('To do')).toEqual(['Theirs', 'Also theirs', 'Mine'])
    expect(screen.queryByRole('button', { name: /go live|Back to live/ })).toBeNull()
  })

  it('undoes with Ctrl+Z and redoes with Ctrl+Shift+Z', () => {
    renderBoard()
    for (const title of ['A', 'B', 'C']) addCard('Done', title)
    fireEvent.keyDown(window, { key: 'z', ctrlKey: true })
    fireEvent.keyDown(window, { key: 'z', ctrlKey: true })
    expect(titles('Done')).toEqual(['A'])
    fireEvent.keyDown(window, { key: 'z', ctrlKey: true, shiftKey: true })
    expect(titles('Done')).toEqual(['A', 'B'])
    fireEvent.keyDown(window, { key: 'z', ctrlKey: true })
    fireEvent.keyDown(window, { key: 'z', ctrlKey: true })
    expect(titles('Done')).toEqual([])
    expect(button('Undo').disabled).toBe(true)
  })

  it('leaves Ctrl+Z to a text field that has focus', () => {
    renderBoard()
    addCard('To do', 'A')
    const input = within(column('To do')).getByLabelText('New card in To do')
    fireEvent.keyDown(input, { key: 'z', ctrlKey: true })
    expect(titles('To do')).toEqual(['A'])
  })
})
