// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { Provider, useDispatch, useSelector } from 'react-redux'
import type { Store as ReduxStore } from 'redux'
import { afterEach, describe, expect, it } from 'vitest'
import { useStore } from 'zustand'
import { type Board, hit, makeBoard, renders, resetRenders } from './fixtures'

afterEach(() => {
  cleanup()
  resetRenders()
})

function ReduxCounter() {
  hit('counter')
  const count = useSelector((s: Board) => s.count)
  const dispatch = useDispatch()
  return (
    <button type="button" onClick={() => dispatch({ type: 'counted', payload: 3 })}>
      {`count ${count}`}
    </button>
  )
}

let zustandSource = makeBoard()
function ZustandName() {
  hit('name')
  return <p>{`name ${useStore(zustandSource, (s) => s.name)}`}</p>
}

describe("react-redux's <Provider> on a Strata store", () => {
  it('works with useSelector and useDispatch unchanged, and time travel re-renders', () => {
    const store = makeBoard()
    // Strata's dispatch returns a DispatchResult and it has no Symbol.observable, so its type
    // is not redux's Store; react-redux uses neither.
    render(
      <Provider store={store as unknown as ReduxStore}>
        <ReduxCounter />
      </Provider>,
    )
    fireEvent.click(screen.getByRole('button'))
    fireEvent.click(screen.getByRole('button'))
    expect(screen.getByRole('button').textContent).toBe('count 6')
    expect(store.logs.events).toHaveLength(2)
    const before = renders.counter
    act(() => {
      store.dispatch({ type: 'renamed', payload: 'b' })
    })
    expect(renders.counter).toBe(before)
    act(() => store.history.jumpTo(1))
    expect(screen.getByRole('button').textContent).toBe('count 3')
  })
})

describe("zustand's useStore on a Strata store", () => {
  it('reads a slice and re-renders only when it changes', () => {
    const store = makeBoard()
    zustandSource = store
    render(<ZustandName />)
    act(() => {
      store.dispatch({ type: 'counted', payload: 1 })
    })
    expect(renders.name).toBe(1)
    act(() => {
      store.dispatch({ type: 'renamed', payload: 'b' })
    })
    expect(screen.getByText('name b')).toBeTruthy()
    expect(renders.name).toBe(2)
    act(() => store.history.jumpTo(0))
    expect(screen.getByText('name a')).toBeTruthy()
  })
})
