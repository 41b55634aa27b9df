// How each board command is undone (`createStore({ inverses })`): the command that puts back
// what it changed, computed from the board just before it. Undo dispatches that command like any
// other, so it is synced, and it conflicts like any other: undoing an edit of a card that another
// window deleted since is refused with the handler's message.
import type { Inverses } from '@strata/state'
import type { Board, BoardEvent, boardCommands, ColumnId } from './board'

/** Where a card is on a board: its column and index. */
function placeOf(board: Board, id: string): { columnId: ColumnId; index: number } | undefined {
  for (const column of board.columns) {
    const index = column.cardIds.indexOf(id)
    if (index >= 0) return { columnId: column.id, index }
  }
  return undefined
}

export const boardInverses: Inverses<Board, typeof boardCommands> = {
  createCard: (_before, _p, events) => {
    const made = events[0]?.event as BoardEvent | undefined
    return made && { type: 'deleteCard', payload: { id: made.payload.id } }
  },
  editCard: (before, p) => {
    const card = before.cards[p.id]
    return (
      card && {
        type: 'editCard',
        payload: { id: p.id, title: card.title, description: card.description },
      }
    )
  },
  moveCard: (before, p) => {
    const place = placeOf(before, p.id)
    return (
      place && { type: 'moveCard', payload: { id: p.id, to: place.columnId, index: place.index } }
    )
  },
  deleteCard: (before, p) => {
    const card = before.cards[p.id]
    const place = placeOf(before, p.id)
    return card && place && { type: 'restoreCard', payload: { card, ...place } }
  },
  restoreCard: (_before, p) => ({ type: 'deleteCard', payload: { id: p.card.id } }),
}
