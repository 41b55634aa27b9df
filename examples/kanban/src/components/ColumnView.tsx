import { type DragEvent, useId, useRef, useState } from 'react'
import type { Card, ColumnId } from '../board'
import { useRun } from '../feedback'
import { useBoard, useHistory } from '../hooks'
import { usePrefs } from '../prefs'
import { AddCardForm } from './AddCardForm'
import { CARD_MIME, CardItem } from './CardItem'

function matches(card: Card, filter: string): boolean {
  const needle = filter.trim().toLowerCase()
  return !needle || `${card.title}\n${card.description}`.toLowerCase().includes(needle)
}

/** A column: its cards in order, a drop target for dragged cards, and the add form. */
export function ColumnView({ columnId }: { columnId: ColumnId }) {
  const run = useRun()
  const column = useBoard((b) => b.columns.find((c) => c.id === columnId)!)
  const cards = useBoard((b) => b.cards)
  const filter = usePrefs((p) => p.filter)
  const { isLive } = useHistory()
  const [over, setOver] = useState(false)
  const list = useRef<HTMLOListElement>(null)
  const headingId = useId()

  const shown = column.cardIds.filter((id) => cards[id] && matches(cards[id], filter))
  const hidden = column.cardIds.length - shown.length

  // The log index to drop at: before the first card whose middle is below the pointer.
  function dropIndex(e: DragEvent): number {
    for (const slot of list.current?.querySelectorAll<HTMLElement>('[data-index]') ?? []) {
      const box = slot.getBoundingClientRect()
      if (e.clientY < box.top + box.height / 2) return Number(slot.dataset.index)
    }
    return column.cardIds.length
  }

  function dragOver(e: DragEvent) {
    if (!isLive || !e.dataTransfer.types.includes(CARD_MIME)) return
    e.preventDefault()
    e.dataTransfer.dropEffect = 'move'
    setOver(true)
  }

  function drop(e: DragEvent) {
    setOver(false)
    const id = e.dataTransfer.getData(CARD_MIME)
    if (!id || !isLive) return
    e.preventDefault()
    let index = dropIndex(e)
    const from = column.cardIds.indexOf(id)
    // Dropping below itself: the card leaves its slot first, so the target shifts up by one.
    if (from >= 0 && from < index) index -= 1
    if (from === index) return
    run({ type: 'moveCard', payload: { id, to: columnId, index } })
  }

  return (
    <section
      className={`column column-${columnId}${over ? ' drop-target' : ''}`}
      aria-labelledby={headingId}
      onDragOver={dragOver}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false)
      }}
      onDrop={drop}
    >
      <header className="column-header">
        <h2 id={headingId}>{column.title}</h2>
        <span className="count" data-testid="column-count">
          {column.cardIds.length}
          <span className="visually-hidden"> cards</span>
        </span>
      </header>
      <ol className="cards" ref={list}>
        {shown.map((id) => (
          <CardItem
            key={id}
            card={cards[id]!}
            columnId={columnId}
            index={column.cardIds.indexOf(id)}
            count={column.cardIds.length}
          />
        ))}
      </ol>
      {shown.length === 0 && (
        <p className="empty">{hidden ? 'No cards match the filter' : 'No cards yet'}</p>
      )}
      {hidden > 0 && shown.length > 0 && <p className="hidden-note">{hidden} hidden by filter</p>}
      {isLive && <AddCardForm columnId={columnId} columnTitle={column.title} />}
    </section>
  )
}
