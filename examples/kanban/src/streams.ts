// Not in board.ts: sync.ts imports this, and an edit of board.ts must stay a hot update of
// store.ts (its boundary), not a full reload through sync.ts.
import type { BoardEvent } from './board'

/**
 * The stream of each event (sync's `streamOf`): a stream per card. Concurrency is checked per
 * stream, and every handler decides from its own card only, so edits of different cards never
 * conflict, while an edit of a card another window deleted meanwhile does. (A move's index is
 * read from the target column too; the reducer clamps it, so a stale one is still valid.)
 */
export const boardStreamOf = (event: BoardEvent): string => `card:${event.payload.id}`
