// The board's read model: what the server's `board-stats` view answers. Pure, like board.ts, so
// the server's projection and the client's types share it.
import type { Board, ColumnId } from './board'

export interface BoardStats {
  total: number
  columns: { id: ColumnId; title: string; count: number }[]
}

export function boardStats(board: Board): BoardStats {
  const columns = board.columns.map(({ id, title, cardIds }) => ({
    id,
    title,
    count: cardIds.length,
  }))
  return { total: Object.keys(board.cards).length, columns }
}
