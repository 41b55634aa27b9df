import type { PersonalData, Projection, SnapshotConfig } from '@strata/state/server'
import { isErased } from '@strata/state/server'
import { events } from './helpers'

/** Users rename themselves; cards carry an author name. Names and emails are personal. */
export const personal: PersonalData = {
  'user/renamed': { subject: (p) => p.userId, fields: ['name', 'email'] },
  'card/added': { subject: (p) => p.authorId, fields: ['author'] },
}

export const NAMES = { ada: 'Ada Lovelace-Byron', bob: 'Robert Tables-Droppe' }
export const EMAIL = 'ada.lovelace@analytical.example'

/** Ada's and Bob's events: renames and cards (their titles are not personal). */
export function people(clientId: string, from = 1) {
  return [
    ...events(clientId, from, 1, {
      type: 'user/renamed',
      stream: 'users',
      payload: { userId: 'ada', name: NAMES.ada, email: EMAIL },
    }),
    ...events(clientId, from + 1, 1, {
      type: 'card/added',
      stream: 'cards',
      payload: { authorId: 'ada', author: NAMES.ada, title: 'Difference engine notes' },
    }),
    ...events(clientId, from + 2, 1, {
      type: 'card/added',
      stream: 'cards',
      payload: { authorId: 'bob', author: NAMES.bob, title: 'Sanitize inputs' },
    }),
  ]
}

const shown = (value: unknown) => (isErased(value) ? '(erased)' : String(value))

/** A read model that keeps the names: what erasure must fold again. */
export const authors: Projection = {
  name: 'authors',
  mode: 'async',
  initialState: { names: [] as string[] },
  types: ['card/added', 'user/renamed'],
  apply: (state: any, event: any) => ({
    names: [...state.names, shown(event.payload.author ?? event.payload.name)],
  }),
}
export const inlineAuthors: Projection = { ...authors, name: 'authors-inline', mode: 'inline' }

/** A snapshot reducer written as the README says: the placeholder is a value like any other. */
export const boardSnapshot: SnapshotConfig<{
  cards: { title: string; author: string; authorId: string }[]
}> = {
  name: 'board',
  initialState: { cards: [] },
  version: 1,
  reducer: (draft: any, event: any) => {
    if (event.type !== 'card/added') return
    const { title, authorId, author } = event.payload
    draft.cards.push({ title, author: shown(author), authorId })
  },
}

/** The board's `forget` hook: what a refold would give, the forgotten author's name erased. */
export const scrubBoard: NonNullable<(typeof boardSnapshot)['forget']> = (draft, { subject }) => {
  for (const card of draft.cards) if (card.authorId === subject) card.author = '(erased)'
}
