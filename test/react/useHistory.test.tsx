// @vitest-environment jsdom
import { StoreProvider, useHistory, useStoreState } from '@strata/state/react'
import { replicaOf } from '@strata/state/sync'
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { type Board, hit, makeBoard, renders, resetRenders } from './fixtures'

afterEach(() => {
  cleanup()
  resetRenders()
})

function Timeline() {
  hit('timeline')
  const h = useHistory()
  return (
    <div>
      <p>{`at ${h.cursor} of ${h.length} ${h.isLive ? 'live' : 'past'}`}</p>
      <button type="button" onClick={() => h.step(-1)}>
        back
      </button>
      <button type="button" onClick={() => h.jumpTo(0)}>
        start
      </button>
      <button type="button" onClick={() => h.toLive()}>
        live
      </button>
      <button type="button" onClick={() => h.commit()}>
        commit
      </button>
    </div>
  )
}

function Count() {
  return <p>{`count ${useStoreState((s: Board) => s.count)}`}</p>
}

function setup(events: number) {
  const store = makeBoard()
  for (let i = 1; i <= events; i++) store.dispatch({ type: 'counted', payload: i })
  render(
    <StoreProvider store={store}>
      <Timeline />
      <Count />
    </StoreProvider>,
  )
  const click = (name: string) => fireEvent.click(screen.getByRole('button', { name }))
  return { store, click }
}

describe('useHistory', () => {
  it('shows cursor, length and isLive, and its actions move the view', () => {
    const { click } = setup(3)
    expect(screen.getByText('at 3 of 3 live')).toBeTruthy()
    click('back')
    expect(screen.getByText('at 2 of 3 past')).toBeTruthy()
    expect(screen.getByText('count 3')).toBeTruthy()
    click('start')
    expect(screen.getByText('at 0 of 3 past')).toBeTruthy()
    expect(screen.getByText('count 0')).toBeTruthy()
    click('live')
    expect(screen.getByText('at 3 of 3 live')).toBeTruthy()
    expect(screen.getByText('count 6')).toBeTruthy()
  })

  it('follows dispatches and jumps made on the store directly', () => {
    const { store } = setup(2)
    act(() => {
      store.dispatch({ type: 'counted', payload: 10 })
    })
    expect(screen.getByText('at 3 of 3 live')).toBeTruthy()
    act(() => store.history.jumpTo(1))
    act(() => {
      store.dispatch({ type: 'counted', payload: 10 })
    })
    // Recorded at the head; the view stays in the past.
    expect(screen.getByText('at 1 of 4 past')).toBeTruthy()
    expect(screen.getByText('count 1')).toBeTruthy()
  })

  it('does not re-render when the store notifies but the position is unchanged', () => {
    const { store } = setup(2)
    act(() => store.history.jumpTo(1))
    const before = renders.timeline
    let told = 0
    store.subscribe(() => told++)
    act(() => store.history.jumpTo(1))
    expect(told).toBe(1)
    expect(renders.timeline).toBe(before)
  })

  it('re-renders after commit, which moves cursor and length but not the viewed state', () => {
    const { store, click } = setup(4)
    act(() => store.history.jumpTo(3))
    click('commit')
    expect(screen.getByText('at 0 of 1 past')).toBeTruthy()
    expect(store.history.length).toBe(1)
    expect(screen.getByText('count 6')).toBeTruthy()
  })

  it('follows the length when remote events arrive while the past is viewed', () => {
    const { store } = setup(2)
    act(() => store.history.jumpTo(0))
    expect(screen.getByText('at 0 of 2 past')).toBeTruthy()
    act(() => {
      replicaOf(store).pull([
        { id: 'r1', event: { type: 'counted', payload: 5 }, at: 1, position: 'p1' },
        { id: 'r2', event: { type: 'counted', payload: 7 }, at: 2, position: 'p2' },
      ])
    })
    // The viewed state (the base) did not move; the log under it did.
    expect(screen.getByText('at 0 of 4 past')).toBeTruthy()
    expect(screen.getByText('count 0')).toBeTruthy()
  })

  it('re-renders after commit made on the store directly', () => {
    const { store } = setup(4)
    act(() => store.history.jumpTo(3))
    act(() => store.history.commit())
    expect(screen.getByText('at 0 of 1 past')).toBeTruthy()
  })
})
