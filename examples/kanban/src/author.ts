// Who is writing from this browser: an id made once, and a name the user types. The name goes
// into the cards' events as personal data (personal.ts); the id names its subject.
const KEY = 'strata-kanban:author'

export interface Author {
  authorId: string
  author: string
}

export function loadAuthor(): Author {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Author | null
    if (stored?.authorId) return stored
  } catch {
    // A bad entry: make a new one.
  }
  return saveAuthor({ authorId: crypto.randomUUID(), author: '' })
}

export function saveAuthor(author: Author): Author {
  localStorage.setItem(KEY, JSON.stringify(author))
  return author
}

/**
 * Asks the server to forget this author: its name becomes "(erased)" on every card, here and in
 * every other window. The demo's development token is an admin's; an app asks its own backend.
 */
export async function forgetAuthor(authorId: string): Promise<void> {
  const response = await fetch(`/api/subjects/${encodeURIComponent(authorId)}/forget`, {
    method: 'POST',
    headers: { authorization: `Bearer ${import.meta.env.VITE_STRATA_DEV_TOKEN}` },
  })
  if (!response.ok) throw new Error(`The server refused to forget (${response.status})`)
}
