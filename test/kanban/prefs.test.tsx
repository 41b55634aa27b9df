// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { usePrefs } from '../../examples/kanban/src/prefs'
import { addCard, card, column, renderBoard, titles } from './render'

// One zustand store for the module: back to its newest state, then reset, before each test.
beforeEach(() => {
  usePrefs.strata.history.toLive()
  usePrefs.setState({ filter: '', compact: false })
})
afterEach(cleanup)

describe('view preferences (a zustand store with timeTravel)', () => {
  it('filters the cards and time-travels the filter through its own log', () => {
    renderBoard()
    for (const title of ['Buy milk', 'Write docs', 'Buy bread']) addCard('To do', title)
    addCard('Done', 'Ship')
    const before = usePrefs.strata.history.length
    fireEvent.change(screen.getByLabelText('Filter cards'), { target: { value: 'buy' } })
    expect(titles('To do')).toEqual(['Buy milk', 'Buy bread'])
    expect(within(column('To do')).getByText('1 hidden by filter')).toBeTruthy()
    expect(within(column('Done')).getByText('No cards match the filter')).toBeTruthy()

    // One recorded `prefs/filter` event; stepping its history back clears the filter.
    expect(usePrefs.strata.history.length).toBe(before + 1)
    expect(usePrefs.strata.logs.events.at(-1)?.type).toBe('prefs/filter')
    act(() => usePrefs.strata.history.step(-1))
    expect(titles('To do')).toEqual(['Buy milk', 'Write docs', 'Buy bread'])
    expect(screen.getByLabelText('Filter cards')).toHaveProperty('value', '')

    // Typing while the preferences are in the past brings them back to live first.
    fireEvent.change(screen.getByLabelText('Filter cards'), { target: { value: 'docs' } })
    expect(titles('To do')).toEqual(['Write docs'])
    expect(usePrefs.strata.history.isLive).toBe(true)
  })

  it('hides descriptions in compact mode', () => {
    const { store } = renderBoard()
    addCard('To do', 'Card')
    const id = Object.keys(store.getState().cards)[0]!
    act(
      () =>
        void store.dispatch({
          type: 'editCard',
          payload: { id, title: 'Card', description: 'Details' },
        }),
    )
    expect(within(card('Card')).queryByText('Details')).toBeTruthy()
    fireEvent.click(screen.getByLabelText('Compact'))
    expect(within(card('Card')).queryByText('Details')).toBeNull()
  })
})
