import { type Draft, useDrafts } from '../drafts'
import { useFeedback } from '../feedback'
import { useBoard, useDispatch, useHistory } from '../hooks'
import { CardEditForm } from './CardEditForm'

/**
 * Edits whose card is gone: deleted (in another window, say) while the form was open, or saved
 * and then lost to a conflict. The typed text stays, with why, and can become a new card.
 */
export function KeptDrafts() {
  const drafts = useDrafts((d) => d.drafts)
  const cards = useBoard((b) => b.cards)
  const { isLive } = useHistory()
  const kept = Object.entries(drafts).filter(([id]) => !cards[id])
  if (!isLive || !kept.length) return null
  return (
    <section className="kept-drafts" aria-label="Edits not saved">
      {kept.map(([id, draft]) => (
        <KeptDraft key={id} id={id} draft={draft} />
      ))}
    </section>
  )
}

function KeptDraft({ id, draft }: { id: string; draft: Draft }) {
  const dispatch = useDispatch()
  const { show } = useFeedback()
  const addAsNew = ({ title, description, columnId = 'todo' }: Draft) => {
    const made = dispatch({ type: 'createCard', payload: { title, columnId } })
    if (!show(made)) return false
    const card = made.events[0]!.payload as { id: string }
    if (!description) return true
    return show(dispatch({ type: 'editCard', payload: { id: card.id, title, description } }))
  }
  return (
    <div className="banner conflict kept-draft">
      <p role="alert">
        {draft.lost ?? `'${draft.was}' was deleted while you were editing it.`} Your text is kept
        here.
      </p>
      <CardEditForm id={id} saveLabel="Add as a new card" cancelLabel="Discard" onSave={addAsNew} />
    </div>
  )
}
