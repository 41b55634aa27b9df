// @vitest-environment jsdom
import { createStore } from '@strata/state'
import { StoreProvider, useStoreState, useUndo } from '@strata/state/react'
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'

afterEach(cleanup)

const counter = () =>
  createStore({
    initialState: { n: 0 },
    reducer: (d: { n: number }, e: { type: 'set'; payload: number }) => {
      d.n = e.payload
    },
    commands: { set: (_s: { n: number }, n: number) => ({ type: 'set' as const, payload: n }) },
    inverses: { set: (before) => ({ type: 'set', payload: before.n }) },
  })

function Buttons() {
  const { undo, redo, canUndo, canRedo } = useUndo()
  const n = useStoreState((s: { n: number }) => s.n)
  return (
    <div>
      <p>{`n ${n}`}</p>
      <button type="button" disabled={!canUndo} onClick={undo}>
        undo
      </button>
      <button type="button" disabled={!canRedo} onClick={redo}>
        redo
      </button>
    </div>
  )
}

describe('useUndo', () => {
  it('undoes and redoes by dispatching inverses; the buttons follow what can be done', () => {
    const store = counter()
    render(
      <StoreProvider store={store}>
        <Buttons />
      </StoreProvider>,
    )
    const undo = screen.getByRole('button', { name: 'undo' }) as HTMLButtonElement
    const redo = screen.getByRole('button', { name: 'redo' }) as HTMLButtonElement
    expect([undo.disabled, redo.disabled]).toEqual([true, true])
    act(() => {
      store.dispatch({ type: 'set', payload: 5 })
    })
    expect(undo.disabled).toBe(false)
    fireEvent.click(undo)
    screen.getByText('n 0')
    expect([undo.disabled, redo.disabled]).toEqual([true, false])
    fireEvent.click(redo)
    screen.getByText('n 5')
    expect(store.logs.commands).toHaveLength(3)
  })
})
