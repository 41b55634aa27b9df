// A sealed row of a page is one text the store writes (sealedRow.ts: its position and payload's
// bytes, the text after the payload, then before it), split back where the head's opening text
// starts and its client, id and type read from it only when its cipher is opened. Strings made
// of JSON's own characters and that opening text, in every field a client chooses (id, stream,
// type, commandId, the personal values), must come out of the page as the event-by-event path
// writes them, on SQLite and PostgreSQL, opened from the cache (the server that sealed them) and
// from the store (a new one).
import { createEventServer, type PersonalData, type Storage } from '@strata/state/server'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { attackStores, withoutReadText } from './attack'
import { batch } from './helpers'

/** Characters and pieces a row's text is split on, and some that are not. */
const PIECES = [
  '"',
  '\\',
  '{',
  '}',
  ',',
  ':',
  '{"position":"v1:',
  '","payload":',
  'é',
  '😀',
  '\n',
  'a',
  '7',
]
const text = (minLength = 0) =>
  fc.array(fc.constantFrom(...PIECES), { minLength, maxLength: 6 }).map((parts) => parts.join(''))

const ROW = fc.record({
  id: text(),
  stream: text(1),
  commandId: fc.option(text(1), { nil: undefined }),
  name: text(),
  odd: fc.boolean(),
})

const read = async (server: { fetch(request: Request): Promise<Response> }) => {
  const response = await server.fetch(new Request('http://strata/events?after=v1:0&limit=1000'))
  expect(response.status).toBe(200)
  return response.text()
}

describe.each(attackStores().filter(([name]) => name !== 'memory'))(
  'sealed page rows of any text on %s',
  (name, _sql, make) => {
    it('read as the event-by-event path reads them, warm and cold', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(ROW, { minLength: 1, maxLength: 5 }),
          text(),
          async (rows, type) => {
            const oddType = `odd/${type}`
            const personal: PersonalData = {
              'user/renamed': { subject: (p) => p.userId, fields: ['name', 'email'] },
              [oddType]: { subject: (p) => p.who, fields: ['name'] },
            }
            const storage: Storage = await make()
            const fast = createEventServer({ storage, personal })
            const list = rows.map((row, i) => ({
              clientSeq: i + 1,
              id: `${i}${row.id}`,
              stream: row.stream,
              type: row.odd ? oddType : 'user/renamed',
              payload: row.odd
                ? { who: `w${i % 2}`, name: row.name, note: row.id }
                : { userId: `u${i % 2}`, name: row.name, email: `${row.id}@x` },
              at: 1_700_000_000_000 + i,
              ...(row.commandId === undefined ? {} : { commandId: row.commandId }),
            }))
            const posted = await fast.fetch(
              new Request('http://strata/events', {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(batch('c1', list)),
              }),
            )
            expect(posted.status, await posted.text()).toBe(200)
            const slow = createEventServer({ storage: withoutReadText(storage), personal })
            const expected = await read(slow)
            const warm = await read(fast)
            const cold = await read(createEventServer({ storage, personal }))
            const events = (JSON.parse(expected) as { events: { payload: { name: unknown } }[] })
              .events
            expect(events.map((e) => e.payload.name)).toEqual(rows.map((r) => r.name))
            if (name === 'postgres') {
              // jsonb's text of a payload (its spacing, its order of keys) where the whole path
              // encodes it again: the same once parsed.
              expect(JSON.parse(warm)).toEqual(JSON.parse(expected))
              expect(JSON.parse(cold)).toEqual(JSON.parse(expected))
            } else expect([warm, cold]).toEqual([expected, expected])
          },
        ),
        { numRuns: name === 'postgres' ? 25 : 100 },
      )
    }, 120_000)
  },
)
