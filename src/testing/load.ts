import { checkSession, checkSessionHeader, parseSessionText } from './check'
import type { Session } from './format'
import { reviveSession } from './serialize'

/**
 * Reads a session: the text of a `.session.json` file, the file parsed as JSON, or a session
 * object. Checks every field and throws a `SessionFormatError` naming the first wrong one.
 *
 * @example
 * const session = loadSession(readFileSync('test/sessions/checkout.session.json', 'utf8'))
 */
export function loadSession<S = unknown>(input: unknown): Session<S> {
  const raw = typeof input === 'string' ? parseSessionText(input) : input
  // The header first: a file of another format or version says so before its values are read.
  return checkSession<S>(reviveSession(checkSessionHeader(raw)))
}
