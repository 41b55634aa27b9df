import { type FormEvent, useId, useState } from 'react'
import { loadAuthor } from '../author'
import type { ColumnId } from '../board'
import { useRun } from '../feedback'
import { Icon } from './Icon'

/** The "add a card" field at the foot of a column. Validation is the command handler's. */
export function AddCardForm({
  columnId,
  columnTitle,
}: {
  columnId: ColumnId
  columnTitle: string
}) {
  const run = useRun()
  const [title, setTitle] = useState('')
  const id = useId()

  function submit(e: FormEvent) {
    e.preventDefault()
    if (run({ type: 'createCard', payload: { title, columnId, ...loadAuthor() } })) setTitle('')
  }

  return (
    <form className="add-card" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        New card in {columnTitle}
      </label>
      <input
        id={id}
        value={title}
        placeholder="Add a card…"
        autoComplete="off"
        onChange={(e) => setTitle(e.target.value)}
      />
      <button type="submit" className="icon-button" aria-label={`Add card to ${columnTitle}`}>
        <Icon name="plus" />
      </button>
    </form>
  )
}
