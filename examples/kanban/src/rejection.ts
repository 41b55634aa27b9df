/**
 * What to tell a person about a rejected command. The board's handlers throw messages written
 * for people ("A card needs a title."); Strata's own errors (prefixed `[strata]`) are written for
 * developers, so they go to the console and the page says what happened in plain words.
 */
export function rejectionMessage(error: unknown, locked: boolean): string {
  const message = error instanceof Error ? error.message : String(error)
  if (locked) return 'The board is locked in the devtools: unlock it there to make changes.'
  if (!message.startsWith('[strata]')) return message
  console.error(error)
  return 'That change could not be made (the console has the details).'
}
