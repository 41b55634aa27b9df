// What to tell a person whose change was lost to another window's (a sync conflict): which change,
// of which card, and why, in their words ("Your edit of 'Race card' was not saved: it was deleted
// in another window.").
import type { EventEntry } from '@strata/state'
import type { Conflict } from '@strata/state/sync'
import type { Board, BoardEvent } from './board'

const what: Record<string, string> = {
  editCard: 'edit',
  moveCard: 'move',
  deleteCard: 'deletion',
  restoreCard: 'restore',
}

type Payload = { id?: string; title?: string; card?: { id: string; title: string } }

/** The card a board command is about. */
export function cardOf(conflict: Conflict): string | undefined {
  const p = conflict.command.payload as Payload | undefined
  return p?.id ?? p?.card?.id
}

/** The card's newest title in the log (its events before the lost command's). */
function titleOf(id: string, events: readonly EventEntry[], fallback: string | undefined) {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!.event as BoardEvent
    if (events[i]!.rejected !== undefined || e.payload.id !== id) continue
    if (e.type === 'card/created' || e.type === 'card/edited') return e.payload.title
    if (e.type === 'card/restored') return e.payload.card.title
  }
  return fallback ?? 'a card'
}

const lower = (text: string) => text.charAt(0).toLowerCase() + text.slice(1)

/**
 * `board` is the present board (not the one a person may be looking back at): a card missing
 * from it was deleted, even when this client does not have the event that did it.
 */
export function conflictMessage(
  conflict: Conflict,
  events: readonly EventEntry[],
  board: Board,
): string {
  const p = conflict.command.payload as Payload | undefined
  const id = cardOf(conflict)
  const title = id === undefined ? 'a card' : titleOf(id, events, p?.card?.title ?? p?.title)
  const lostTo = conflict.lostTo.map((e) => (e.event as BoardEvent).type)
  const gone = id !== undefined && !board.cards[id] && conflict.command.type !== 'restoreCard'
  const why =
    lostTo.includes('card/deleted') || gone
      ? 'it was deleted in another window'
      : lostTo.length
        ? 'it was changed in another window'
        : conflict.error instanceof Error
          ? lower(conflict.error.message.replace(/\.$/, ''))
          : 'another window changed it'
  return `Your ${what[conflict.command.type] ?? 'change'} of '${title}' was not saved: ${why}.`
}
