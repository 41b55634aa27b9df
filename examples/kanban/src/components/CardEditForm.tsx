import { type FormEvent, type KeyboardEvent, useId, useState } from 'react'
import type { Card } from '../board'
import { useRun } from '../feedback'

/** Inline editor for a card's title and description; Escape cancels. */
export function CardEditForm({ card, onDone }: { card: Card; onDone: () => void }) {
  const run = useRun()
  const [title, setTitle] = useState(card.title)
  const [description, setDescription] = useState(card.description)
  const id = useId()

  function submit(e: FormEvent) {
    e.preventDefault()
    if (run({ type: 'editCard', payload: { id: card.id, title, description } })) onDone()
  }

  function cancelOnEscape(e: KeyboardEvent) {
    if (e.key === 'Escape') onDone()
  }

  return (
    <form className="card card-editing" onSubmit={submit} onKeyDown={cancelOnEscape}>
      <label htmlFor={`${id}-title`} className="field-label">
        Title
      </label>
      <input
        id={`${id}-title`}
        value={title}
        // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this card
        autoFocus
        onChange={(e) => setTitle(e.target.value)}
      />
      <label htmlFor={`${id}-description`} className="field-label">
        Description
      </label>
      <textarea
        id={`${id}-description`}
        value={description}
        rows={3}
        onChange={(e) => setDescription(e.target.value)}
      />
      <div className="form-actions">
        <button type="button" className="button ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button primary">
          Save
        </button>
      </div>
    </form>
  )
}
