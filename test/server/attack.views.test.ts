// GET /views/<name> over real HTTP for a principal who may not read every stream: a JSON view
// without read() serves its whole state, folded from every stream of the tenant, so it is
// refused (403) to such a reader, as a server snapshot folding a stream it may not read is;
// with read() the app chooses what the caller sees (it is handed the principal). A view's whole
// state once served alice, who may not read `secret`, the text of a secret event.
import type { Principal, Projection } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { as, byToken, start } from './attack'
import { batch, events } from './helpers'

/** As `byToken`, and alice may read no `secret` stream. */
const authorize = (request: Request): Principal | null => {
  const principal = byToken(request)
  return principal?.id === 'alice'
    ? { ...principal, canRead: (stream: string) => stream !== 'secret' }
    : principal
}

/** Every event's text, whatever its stream. */
const texts = (name: string, mode: 'inline' | 'async'): Projection<string[]> => ({
  name,
  mode,
  initialState: [],
  apply: (state, e) => [...state, String((e.payload as { text?: string }).text)],
})

const SECRET = 'the launch code is 0000'

describe('views for readers of some streams', () => {
  it.each(['inline', 'async'] as const)(
    'refuses a %s view without read() to a reader who may not read every stream',
    async (mode) => {
      const chosen: Projection<string[]> = {
        ...texts('chosen', mode),
        // The app's read: what this caller may see.
        read: (state, { principal }) =>
          principal.canRead === undefined ? state : state.filter((t) => t !== SECRET),
      }
      const { url } = await start({ authorize, projections: [texts('all', mode), chosen] })
      const { body } = await as(url, 'bob@acme').post(
        batch('b', [
          ...events('b', 1, 1, { stream: 'public', payload: { text: 'hello' } }),
          ...events('b', 2, 1, { stream: 'secret', payload: { text: SECRET } }),
        ]),
      )
      const wait = { 'X-Min-Position': body.token }
      // Bob reads every stream: the whole state.
      expect((await as(url, 'bob@acme').get('/views/all', wait)).body).toEqual(['hello', SECRET])
      const refused = await as(url, 'alice@acme').get('/views/all', wait)
      expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden'])
      expect(JSON.stringify(refused)).not.toContain('launch')
      expect(refused.headers.get('x-position')).toBeNull()
      // With read(), the app's choice is served to her.
      const hers = await as(url, 'alice@acme').get('/views/chosen', wait)
      expect([hers.status, hers.body]).toEqual([200, ['hello']])
    },
  )
})
