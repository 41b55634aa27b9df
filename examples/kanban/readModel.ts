// What the kanban server knows of the board: the read model it folds with the browser's own
// reducer, and the schema every stored event must pass. Pure: the server and tests import it.
import type { Projection, SnapshotConfig } from '@strata/state/server'
import { produce } from 'immer'
import { z } from 'zod'
import {
  type Board,
  type BoardEvent,
  boardReducer,
  boardVersion,
  emptyBoard,
  forgetAuthor,
} from './src/board'
import { boardStats } from './src/stats'

/** `GET /api/views/board-stats`: the board folded by boardReducer, answered as card counts. */
export const boardProjection: Projection = {
  name: 'board-stats',
  mode: 'async',
  initialState: emptyBoard,
  apply(board: Board, { type, payload }) {
    try {
      return produce(board, (draft) => boardReducer(draft, { type, payload } as BoardEvent))
    } catch {
      // As in the browser: an event the reducer refuses (an edit of a card deleted meanwhile
      // by another window) leaves the board as it was.
      return board
    }
  },
  read: (board: Board) => boardStats(board),
  // "Forget me" scrubs the author's name from the state: the cost of the board, not of history.
  forget: (draft, { subject }) => forgetAuthor(draft, subject),
}

const id = z.string().min(1).max(100)
const column = z.enum(['todo', 'doing', 'done'])
const title = z.string().min(1).max(120)

/**
 * `GET /api/snapshots/board`: the board as the browser's reducer folds it, kept by the server so
 * a window without a snapshot of its own starts from it instead of folding every event.
 */
export const boardSnapshot: SnapshotConfig<Board> = {
  name: 'board',
  initialState: emptyBoard,
  reducer: boardReducer,
  version: boardVersion,
  forget: (draft, { subject }) => forgetAuthor(draft, subject),
}

/** Every event is checked before it is stored; a bad one is refused, the rest of its batch kept. */
export const boardEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('card/created'),
    payload: z.object({
      id,
      columnId: column,
      title,
      at: z.number(),
      authorId: id.optional(),
      author: z.union([z.string().max(60), z.object({ erased: z.literal(true) })]).optional(),
    }),
  }),
  z.object({
    type: z.literal('card/edited'),
    payload: z.object({ id, title, description: z.string().max(2000), at: z.number() }),
  }),
  z.object({
    type: z.literal('card/moved'),
    payload: z.object({ id, to: column, index: z.number().int().min(0) }),
  }),
  z.object({ type: z.literal('card/deleted'), payload: z.object({ id }) }),
  z.object({
    type: z.literal('card/restored'),
    payload: z
      .object({
        id,
        card: z.object({
          id,
          title,
          description: z.string().max(2000),
          createdAt: z.number(),
          updatedAt: z.number(),
        }),
        columnId: column,
        index: z.number().int().min(0),
      })
      .refine((p) => p.card.id === p.id, {
        message: 'A restored card keeps its id',
        path: ['card', 'id'],
      }),
  }),
])
