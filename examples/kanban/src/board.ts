// The kanban board's domain: state, events, the reducer that folds them, and the command
// handlers that decide them. Pure code: the browser store and the server's read model share it.
import type { CommandContext, CommandMap } from '@strata/state'

export type ColumnId = 'todo' | 'doing' | 'done'

export interface Card {
  id: string
  /** Who made it: a key into `Board.authors`, never the name itself (that is personal data). */
  authorId?: string
  title: string
  description: string
  createdAt: number
  updatedAt: number
}

export interface Board {
  columns: { id: ColumnId; title: string; cardIds: string[] }[]
  cards: Record<string, Card>
  /** Authors' names by id, from the card/created events (personal: see personal.ts). */
  authors: Record<string, string>
}

export type BoardEvent =
  | {
      type: 'card/created'
      payload: {
        id: string
        columnId: ColumnId
        title: string
        at: number
        authorId?: string
        /** A name, or `{ erased: true }` once its author was forgotten. */
        author?: string | { erased: true }
      }
    }
  | { type: 'card/edited'; payload: { id: string; title: string; description: string; at: number } }
  | { type: 'card/moved'; payload: { id: string; to: ColumnId; index: number } }
  | { type: 'card/deleted'; payload: { id: string } }
  | {
      type: 'card/restored'
      payload: { id: string; card: Card; columnId: ColumnId; index: number }
    }

/**
 * The reducer's version (`createStore({ version })`, the server snapshot's `version`). Bump it
 * when boardReducer makes something else of old events: snapshots folded by the old code are
 * then never used, the board is folded again from the events.
 */
export const boardVersion = 2

export const emptyBoard: Board = {
  columns: [
    { id: 'todo', title: 'To do', cardIds: [] },
    { id: 'doing', title: 'Doing', cardIds: [] },
    { id: 'done', title: 'Done', cardIds: [] },
  ],
  cards: {},
  authors: {},
}

/** A forgotten author's name reads `{ erased: true }`: a reducer takes it like any value. */
const nameOf = (author: unknown) =>
  typeof author === 'string' ? author : (author as { erased?: boolean })?.erased ? '(erased)' : ''

function removeFromColumns(board: Board, id: string) {
  for (const column of board.columns) {
    const at = column.cardIds.indexOf(id)
    if (at >= 0) column.cardIds.splice(at, 1)
  }
}

/**
 * The board as boardReducer folds it once `authorId` was forgotten (every name of theirs read
 * `{ erased: true }`): the server's snapshot and read model scrub themselves with it
 * (`forget` hooks) instead of folding every event again.
 */
export function forgetAuthor(board: Board, authorId: string): void {
  if (board.authors?.[authorId] !== undefined) board.authors[authorId] = nameOf({ erased: true })
}

export function boardReducer(board: Board, event: BoardEvent): void {
  switch (event.type) {
    case 'card/created': {
      const { id, columnId, title, at, authorId } = event.payload
      board.cards[id] = { id, title, description: '', createdAt: at, updatedAt: at }
      if (authorId) {
        board.cards[id].authorId = authorId
        // A board folded before authors existed (a session recorded then) has none yet.
        board.authors ??= {}
        board.authors[authorId] = nameOf(event.payload.author)
      }
      board.columns.find((c) => c.id === columnId)?.cardIds.push(id)
      break
    }
    case 'card/edited': {
      const card = board.cards[event.payload.id]
      if (!card) throw new Error(`No card ${event.payload.id} to edit`)
      card.title = event.payload.title
      card.description = event.payload.description
      card.updatedAt = event.payload.at
      break
    }
    case 'card/moved': {
      const { id, to, index } = event.payload
      if (!board.cards[id]) throw new Error(`No card ${id} to move`)
      removeFromColumns(board, id)
      const column = board.columns.find((c) => c.id === to)!
      column.cardIds.splice(Math.min(index, column.cardIds.length), 0, id)
      break
    }
    case 'card/deleted':
      removeFromColumns(board, event.payload.id)
      delete board.cards[event.payload.id]
      break
    case 'card/restored': {
      const { id, card, columnId, index } = event.payload
      if (board.cards[id]) throw new Error(`Card ${id} exists: nothing to restore`)
      board.cards[id] = card
      const column = board.columns.find((c) => c.id === columnId)!
      column.cardIds.splice(Math.min(index, column.cardIds.length), 0, id)
      break
    }
  }
}

const columnIds: readonly ColumnId[] = ['todo', 'doing', 'done']

function requireCard(board: Board, id: string): Card {
  const card = board.cards[id]
  if (!card) throw new Error(`There is no card ${JSON.stringify(id)}: it may have been deleted.`)
  return card
}

function requireTitle(title: string): string {
  const trimmed = title.trim()
  if (!trimmed) throw new Error('A card needs a title.')
  if (trimmed.length > 120) throw new Error('A card title has at most 120 characters.')
  return trimmed
}

export const boardCommands = {
  createCard(
    _board: Board,
    p: { title: string; columnId?: ColumnId; authorId?: string; author?: string },
    ctx: CommandContext,
  ) {
    const columnId = p.columnId ?? 'todo'
    if (!columnIds.includes(columnId))
      throw new Error(`Unknown column ${JSON.stringify(columnId)}.`)
    const title = requireTitle(p.title)
    return {
      type: 'card/created' as const,
      payload: {
        id: ctx.uuid(),
        columnId,
        title,
        at: ctx.now(),
        ...(p.authorId && { authorId: p.authorId, author: (p.author ?? '').slice(0, 60) }),
      },
    }
  },
  editCard(
    board: Board,
    p: { id: string; title: string; description?: string },
    ctx: CommandContext,
  ) {
    const card = requireCard(board, p.id)
    const title = requireTitle(p.title)
    const description = p.description ?? card.description
    if (description.length > 2000)
      throw new Error('A card description has at most 2000 characters.')
    if (title === card.title && description === card.description) return []
    return {
      type: 'card/edited' as const,
      payload: { id: p.id, title, description, at: ctx.now() },
    }
  },
  moveCard(board: Board, p: { id: string; to: ColumnId; index?: number }) {
    requireCard(board, p.id)
    if (!columnIds.includes(p.to)) throw new Error(`Unknown column ${JSON.stringify(p.to)}.`)
    const target = board.columns.find((c) => c.id === p.to)!
    const index = Math.max(0, Math.min(p.index ?? target.cardIds.length, target.cardIds.length))
    return { type: 'card/moved' as const, payload: { id: p.id, to: p.to, index } }
  },
  deleteCard(board: Board, p: { id: string }) {
    requireCard(board, p.id)
    return { type: 'card/deleted' as const, payload: { id: p.id } }
  },
  /** Puts a deleted card back where it was (the inverse of deleteCard, see inverses.ts). */
  restoreCard(board: Board, p: { card: Card; columnId: ColumnId; index: number }) {
    if (board.cards[p.card.id]) throw new Error(`"${p.card.title}" is on the board already.`)
    if (!columnIds.includes(p.columnId))
      throw new Error(`Unknown column ${JSON.stringify(p.columnId)}.`)
    const { card, columnId, index } = p
    return { type: 'card/restored' as const, payload: { id: card.id, card, columnId, index } }
  },
} satisfies CommandMap<Board, BoardEvent>
