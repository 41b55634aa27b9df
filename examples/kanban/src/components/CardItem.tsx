import { type DragEvent, useId } from 'react'
import type { Card, ColumnId } from '../board'
import { useDrafts } from '../drafts'
import { useRun } from '../feedback'
import { useBoard, useHistory } from '../hooks'
import { usePrefs } from '../prefs'
import { CardEditForm } from './CardEditForm'
import { Icon } from './Icon'
import { MoveControls } from './MoveControls'

export const CARD_MIME = 'application/x-strata-card'

interface Props {
  card: Card
  columnId: ColumnId
  index: number
  count: number
}

/** One card: drag it, or use its buttons to move, edit or delete it. */
export function CardItem({ card, columnId, index, count }: Props) {
  const run = useRun()
  const { isLive } = useHistory()
  const compact = usePrefs((p) => p.compact)
  const editing = useDrafts((d) => d.drafts[card.id] !== undefined)
  const put = useDrafts((d) => d.put)
  const titleId = useId()
  const author = useBoard((b) => (card.authorId ? b.authors?.[card.authorId] : undefined))

  if (editing && isLive) {
    return (
      <li className="card-slot" data-index={index}>
        <CardEditForm
          id={card.id}
          onSave={({ title, description }) =>
            run({ type: 'editCard', payload: { id: card.id, title, description } })
          }
        />
      </li>
    )
  }

  function startDrag(e: DragEvent) {
    e.dataTransfer.setData(CARD_MIME, card.id)
    e.dataTransfer.setData('text/plain', card.title)
    e.dataTransfer.effectAllowed = 'move'
  }

  return (
    <li className="card-slot" data-index={index}>
      <article
        className="card"
        aria-labelledby={titleId}
        draggable={isLive}
        onDragStart={startDrag}
        data-testid="card"
      >
        <h3 id={titleId} className="card-title">
          {card.title}
        </h3>
        {card.description && !compact && <p className="card-description">{card.description}</p>}
        {author && <p className="card-author">by {author}</p>}
        <div className="card-actions">
          <MoveControls
            id={card.id}
            title={card.title}
            columnId={columnId}
            index={index}
            count={count}
          />
          <span className="spacer" />
          <button
            type="button"
            className="icon-button"
            aria-label={`Edit "${card.title}"`}
            title="Edit"
            onClick={() =>
              put(card.id, {
                title: card.title,
                description: card.description,
                was: card.title,
                columnId,
              })
            }
          >
            <Icon name="edit" />
          </button>
          <button
            type="button"
            className="icon-button danger"
            aria-label={`Delete "${card.title}"`}
            title="Delete"
            onClick={() => run({ type: 'deleteCard', payload: { id: card.id } })}
          >
            <Icon name="trash" />
          </button>
        </div>
      </article>
    </li>
  )
}
