import { useId, useState } from 'react'
import { type Author, forgetAuthor, loadAuthor, saveAuthor } from '../author'

/** Your name on the cards you add, and "Forget me": the server erases it everywhere. */
export function AuthorBar({ onChange }: { onChange?: (author: Author) => void }) {
  const [me, setMe] = useState(loadAuthor)
  const [status, setStatus] = useState('')
  const id = useId()
  const update = (next: Author) => {
    setMe(saveAuthor(next))
    onChange?.(next)
  }
  async function forget() {
    setStatus('Forgetting…')
    try {
      // Every window hears of it through its long poll (the audit event) and scrubs itself.
      await forgetAuthor(me.authorId)
      // A new id from now on: the old one stays forgotten.
      update({ authorId: crypto.randomUUID(), author: '' })
      setStatus('Forgotten: your name is erased from every card.')
    } catch (error) {
      setStatus(error instanceof Error ? error.message : String(error))
    }
  }
  return (
    <div className="author-bar">
      <label htmlFor={id}>Your name</label>
      <input
        id={id}
        value={me.author}
        maxLength={60}
        placeholder="shown on your cards"
        onChange={(e) => update({ ...me, author: e.target.value })}
      />
      <button type="button" onClick={() => void forget()} data-testid="forget-me">
        Forget me
      </button>
      {status && <span role="status">{status}</span>}
    </div>
  )
}
