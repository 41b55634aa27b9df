// @vitest-environment jsdom
import { timeTravel } from '@strata/state/zustand'
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { create } from 'zustand'

afterEach(cleanup)

const useTodos = create<{ items: string[]; add: (t: string) => void }>()(
  timeTravel((set) => ({
    items: [],
    add: (t) => set((s) => ({ items: [...s.items, t] }), false, 'add'),
  })),
)

let renders = 0
function List() {
  renders++
  const items = useTodos((s) => s.items)
  const add = useTodos((s) => s.add)
  return (
    <button type="button" onClick={() => add(`t${items.length}`)}>
      {items.join(',') || 'empty'}
    </button>
  )
}

describe('timeTravel with zustand create', () => {
  it('re-renders components with the old state on jumpTo, and returns to live', () => {
    render(<List />)
    const button = screen.getByRole('button')
    fireEvent.click(button)
    fireEvent.click(button)
    expect(button.textContent).toBe('t0,t1')
    expect(useTodos.strata.logs.events.map((e) => e.type)).toEqual(['add', 'add'])

    act(() => useTodos.strata.history.jumpTo(1))
    expect(button.textContent).toBe('t0')
    act(() => useTodos.strata.history.jumpTo(0))
    expect(button.textContent).toBe('empty')
    const before = renders
    act(() => useTodos.strata.history.jumpTo(0))
    expect(renders).toBe(before)
    act(() => useTodos.strata.history.toLive())
    expect(button.textContent).toBe('t0,t1')
  })
})
