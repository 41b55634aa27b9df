// @vitest-environment jsdom
import { hotStore } from '@strata/state/react'
import { act, cleanup, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  type Board,
  type BoardEvent,
  boardCommands,
  boardReducer,
  emptyBoard,
} from '../../examples/kanban/src/board'
import type { BoardStore } from '../../examples/kanban/src/hooks'
import { addCard, renderBoard, titles } from './render'

afterEach(cleanup)

// What store.ts does on each (re-)run under Vite, with the hot context Vite would keep.
const hot = () => ({ data: {} as Record<string, unknown> })

interface Parts {
  reducer?: typeof boardReducer
  commands?: typeof boardCommands
}

function create(
  vite: ReturnType<typeof hot>,
  { reducer = boardReducer, commands = boardCommands }: Parts = {},
): BoardStore {
  return hotStore(vite, { onReport: vi.fn() })({ initialState: emptyBoard, reducer, commands })
}

function shouting(board: Board, event: BoardEvent) {
  boardReducer(board, event)
  if (event.type === 'card/created')
    board.cards[event.payload.id]!.title = event.payload.title.toUpperCase()
}

describe('hot reload of board.ts', () => {
  it('re-applies the events through an edited reducer and keeps the history', () => {
    const vite = hot()
    const store = create(vite)
    renderBoard({ store })
    addCard('To do', 'quiet')
    addCard('Doing', 'calm')
    act(() => store.history.step(-1))

    let again: unknown
    act(() => {
      again = create(vite, { reducer: shouting })
    })
    expect(again).toBe(store)
    expect(titles('To do')).toEqual(['QUIET'])
    expect(store.history.cursor).toBe(1)
    act(() => store.history.toLive())
    expect(titles('Doing')).toEqual(['CALM'])
    expect(store.hot.reports.at(-1)).toMatchObject({
      kind: 'reducer',
      firstChangedIndex: 0,
      firstChangedEventType: 'card/created',
    })
  })

  it('re-runs the recorded commands through edited handlers', () => {
    const vite = hot()
    const store = create(vite)
    renderBoard({ store })
    addCard('Doing', 'task')
    const ids = Object.keys(store.getState().cards)
    const createCard: typeof boardCommands.createCard = (board, p, ctx) =>
      boardCommands.createCard(board, { ...p, columnId: 'done' }, ctx)
    act(() => void create(vite, { commands: { ...boardCommands, createCard } }))
    expect(titles('Doing')).toEqual([])
    expect(titles('Done')).toEqual(['task'])
    expect(screen.getByTestId('history-position').textContent).toBe('1 / 1')
    // The same card id as before: the recorded ctx values are replayed, not made again.
    expect(Object.keys(store.getState().cards)).toEqual(ids)
  })
})
