import { type FormEvent, type KeyboardEvent, useId } from 'react'
import { type Draft, useDrafts } from '../drafts'

interface Props {
  /** The card whose draft this edits (drafts.ts keeps the text, not this form). */
  id: string
  /** Saves the draft; true when accepted, and the draft ends. */
  onSave(draft: Draft): boolean
  saveLabel?: string
  cancelLabel?: string
}

/** Editor for a card's title and description; Escape cancels. The text lives in the drafts. */
export function CardEditForm({ id, onSave, saveLabel = 'Save', cancelLabel = 'Cancel' }: Props) {
  const draft = useDrafts((d) => d.drafts[id])
  const put = useDrafts((d) => d.put)
  const field = useId()
  if (!draft) return null

  const end = () => {
    draft.settle?.()
    put(id, undefined)
  }
  function submit(e: FormEvent) {
    e.preventDefault()
    if (draft && onSave(draft)) end()
  }
  function cancelOnEscape(e: KeyboardEvent) {
    if (e.key === 'Escape') end()
  }

  return (
    <form className="card card-editing" onSubmit={submit} onKeyDown={cancelOnEscape}>
      <label htmlFor={`${field}-title`} className="field-label">
        Title
      </label>
      <input
        id={`${field}-title`}
        value={draft.title}
        // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this card
        autoFocus
        onChange={(e) => put(id, { ...draft, title: e.target.value })}
      />
      <label htmlFor={`${field}-description`} className="field-label">
        Description
      </label>
      <textarea
        id={`${field}-description`}
        value={draft.description}
        rows={3}
        onChange={(e) => put(id, { ...draft, description: e.target.value })}
      />
      <div className="form-actions">
        <button type="button" className="button ghost" onClick={end}>
          {cancelLabel}
        </button>
        <button type="submit" className="button primary">
          {saveLabel}
        </button>
      </div>
    </form>
  )
}
