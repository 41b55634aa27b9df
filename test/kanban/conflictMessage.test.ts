import type { EventEntry } from '@strata/state'
import type { Conflict } from '@strata/state/sync'
import { describe, expect, it } from 'vitest'
import { type Board, emptyBoard } from '../../examples/kanban/src/board'
import { conflictMessage } from '../../examples/kanban/src/conflictMessage'

const conflict = (type: string, payload: unknown, lostTo: string[] = []): Conflict =>
  ({
    id: 'c1',
    command: { id: 'c1', type, payload },
    error: new Error('There is no card "k1": it may have been deleted.'),
    lostTo: lostTo.map((t) => ({ event: { type: t, payload: { id: 'k1' } } })),
    events: [],
    at: 1,
  }) as unknown as Conflict
const created = {
  event: {
    type: 'card/created',
    payload: { id: 'k1', columnId: 'todo', title: 'Race card', at: 1 },
  },
} as unknown as EventEntry
const withCard: Board = {
  ...emptyBoard,
  cards: { k1: { id: 'k1', title: 'Race card', description: '', createdAt: 1, updatedAt: 1 } },
}
const edit = { id: 'k1', title: 'Renamed', description: 'Typed' }

describe('what a person is told of a lost change', () => {
  it.each([
    ['an edit lost to a deletion', conflict('editCard', edit, ['card/deleted']), emptyBoard],
    // The client may not have the events it lost to: the card missing now says the same.
    ['an edit of a card now gone, lost to unknown events', conflict('editCard', edit), emptyBoard],
  ])('%s names the card by its title before the edit', (_, c, board) => {
    expect(conflictMessage(c, [created], board)).toBe(
      "Your edit of 'Race card' was not saved: it was deleted in another window.",
    )
  })

  it('a move of a card still there, lost to another change, says so', () => {
    const c = conflict('moveCard', { id: 'k1', to: 'done' }, ['card/moved'])
    expect(conflictMessage(c, [created], withCard)).toBe(
      "Your move of 'Race card' was not saved: it was changed in another window.",
    )
  })

  it("without the card's events, the command's own title and the handler's words", () => {
    expect(conflictMessage(conflict('editCard', edit), [], withCard)).toBe(
      `Your edit of 'Renamed' was not saved: there is no card "k1": it may have been deleted.`,
    )
  })
})
