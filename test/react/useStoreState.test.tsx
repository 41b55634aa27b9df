// @vitest-environment jsdom
import { StoreProvider, useDispatch, useStore, useStoreState } from '@strata/state/react'
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { type Board, hit, makeBoard, renders, resetRenders } from './fixtures'

afterEach(() => {
  cleanup()
  resetRenders()
})

function Count() {
  hit('count')
  return <p>{`count ${useStoreState((s: Board) => s.count)}`}</p>
}

function Name() {
  hit('name')
  return <p>{`name ${useStoreState((s: Board) => s.name)}`}</p>
}

const sameLength = (a: string[], b: string[]) => a.length === b.length

function Tags({ label, eq }: { label: string; eq?: (a: string[], b: string[]) => boolean }) {
  hit(label)
  // A new array on every call: without an equality function it always differs.
  const upper = useStoreState((s: Board) => s.tags.map((t) => t.toUpperCase()), eq)
  return <p>{`${label} ${upper.join(',')}`}</p>
}

function Field({ field }: { field: 'count' | 'name' }) {
  return <p>{String(useStoreState((s: Board) => s[field]))}</p>
}

let seenStore: unknown
function AddFive() {
  const dispatch = useDispatch<ReturnType<typeof makeBoard>>()
  seenStore = useStore()
  return (
    <button type="button" onClick={() => dispatch({ type: 'counted', payload: 5 })}>
      {useStoreState((s: Board) => s.count)}
    </button>
  )
}

describe('useStoreState', () => {
  it('re-renders a component only when its own slice changes', () => {
    const store = makeBoard()
    render(
      <StoreProvider store={store}>
        <Count />
        <Name />
      </StoreProvider>,
    )
    expect(renders).toEqual({ count: 1, name: 1 })

    act(() => {
      store.dispatch({ type: 'counted', payload: 2 })
    })
    expect(screen.getByText('count 2')).toBeTruthy()
    expect(renders).toEqual({ count: 2, name: 1 })

    act(() => {
      store.dispatch({ type: 'renamed', payload: 'b' })
    })
    expect(screen.getByText('name b')).toBeTruthy()
    expect(renders).toEqual({ count: 2, name: 2 })
  })

  it('uses equalityFn to skip re-renders for equal selections', () => {
    const store = makeBoard()
    render(
      <StoreProvider store={store}>
        <Tags label="custom" eq={sameLength} />
        <Tags label="plain" />
      </StoreProvider>,
    )
    act(() => {
      store.dispatch({ type: 'counted', payload: 1 })
    })
    expect(renders).toEqual({ custom: 1, plain: 2 })
    act(() => {
      store.dispatch({ type: 'tagged', payload: 'x' })
    })
    expect(renders).toEqual({ custom: 2, plain: 3 })
    expect(screen.getByText('custom X')).toBeTruthy()
  })

  it('follows a selector that changes between renders', () => {
    const store = makeBoard()
    const { rerender } = render(
      <StoreProvider store={store}>
        <Field field="count" />
      </StoreProvider>,
    )
    expect(screen.getByText('0')).toBeTruthy()
    rerender(
      <StoreProvider store={store}>
        <Field field="name" />
      </StoreProvider>,
    )
    expect(screen.getByText('a')).toBeTruthy()
  })

  it('dispatches through useDispatch and returns the store from useStore', () => {
    const store = makeBoard()
    render(
      <StoreProvider store={store}>
        <AddFive />
      </StoreProvider>,
    )
    fireEvent.click(screen.getByRole('button'))
    expect(screen.getByRole('button').textContent).toBe('5')
    expect(store.logs.events.map((e) => e.type)).toEqual(['counted'])
    expect(seenStore).toBe(store)
  })

  it('re-renders with the old state while time travelling, and back to live', () => {
    const store = makeBoard()
    render(
      <StoreProvider store={store}>
        <Count />
      </StoreProvider>,
    )
    act(() => {
      for (const n of [1, 2, 3]) store.dispatch({ type: 'counted', payload: n })
    })
    expect(screen.getByText('count 6')).toBeTruthy()
    act(() => store.history.jumpTo(1))
    expect(screen.getByText('count 1')).toBeTruthy()
    act(() => store.history.toLive())
    expect(screen.getByText('count 6')).toBeTruthy()
  })
})
