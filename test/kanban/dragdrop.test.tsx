// @vitest-environment jsdom
import { cleanup, createEvent, fireEvent, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { addCard, card, column, renderBoard, titles } from './render'

afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

// jsdom has no DataTransfer: a minimal one carrying the dragged card between events.
function dataTransfer() {
  const data = new Map<string, string>()
  return {
    get types() {
      return [...data.keys()]
    },
    setData: (type: string, value: string) => data.set(type, value),
    getData: (type: string) => data.get(type) ?? '',
    effectAllowed: 'all',
    dropEffect: 'none',
  }
}

// Card slots laid out 40px apart, so the drop position picks a slot by its middle.
function layOutSlots() {
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (
    this: HTMLElement,
  ) {
    const index = Number(this.dataset.index ?? 0)
    return { top: index * 40, height: 40, bottom: index * 40 + 40 } as DOMRect
  })
}

function drag(title: string, to: string, clientY = 10_000) {
  const transfer = dataTransfer()
  fireEvent.dragStart(card(title), { dataTransfer: transfer })
  const target = column(to)
  const over = createEvent.dragOver(target, { dataTransfer: transfer })
  fireEvent(target, over)
  const drop = createEvent.drop(target, { dataTransfer: transfer })
  // jsdom makes a plain Event for drops, without the pointer position: give it one.
  Object.defineProperty(drop, 'clientY', { value: clientY })
  fireEvent(target, drop)
  return { overAccepted: over.defaultPrevented }
}

describe('drag and drop', () => {
  it('moves a card to the end of another column', () => {
    renderBoard()
    addCard('To do', 'A')
    addCard('Done', 'X')
    const { overAccepted } = drag('A', 'Done')
    expect(overAccepted).toBe(true)
    expect(titles('To do')).toEqual([])
    expect(titles('Done')).toEqual(['X', 'A'])
  })

  it('drops before the card under the pointer, within the same column too', () => {
    layOutSlots()
    renderBoard()
    for (const title of ['A', 'B', 'C', 'D']) addCard('To do', title)
    // Over the top half of slot 1 ("B"): A goes before B, i.e. stays first.
    drag('A', 'To do', 45)
    expect(titles('To do')).toEqual(['A', 'B', 'C', 'D'])
    // Over the top half of slot 3 ("D"): A lands between C and D.
    drag('A', 'To do', 125)
    expect(titles('To do')).toEqual(['B', 'C', 'A', 'D'])
    // Upwards: D before B.
    drag('D', 'To do', 5)
    expect(titles('To do')).toEqual(['D', 'B', 'C', 'A'])
  })

  it('ignores drags that do not carry a card', () => {
    renderBoard()
    addCard('To do', 'A')
    const target = column('Done')
    const over = createEvent.dragOver(target, { dataTransfer: dataTransfer() })
    fireEvent(target, over)
    expect(over.defaultPrevented).toBe(false)
    expect(screen.getAllByRole('article')).toHaveLength(1)
  })
})
