import type { PersonalData } from '@strata/state/sync'

// The author's name on a card is personal data: the server stores it encrypted with the author's
// key, and "Forget me" (AuthorBar) deletes the key, so every copy reads `{ erased: true }`.
export const personal: PersonalData = {
  'card/created': { subject: (p) => p.authorId, fields: ['author'] },
  // The command too: one rejected (an empty title) made no event, and the client scrubs it by this.
  createCard: { subject: (p) => p.authorId, fields: ['author'] },
}
