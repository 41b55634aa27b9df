// Sealed payloads of every shape over real HTTP: a read that opens a payload's sealed fields in
// its stored text (writing the opened values where the envelope and its references are, not
// parsing and encoding the rest) must answer what the slow path answers (the store read whole,
// parsed, opened, encoded again), whatever the other fields hold: look-alike keys, strings
// that spell `"name":`, quotes and backslashes, nested objects naming the personal fields,
// values of every JSON kind in the personal fields themselves. Then a forget: no opened value
// of the subject is served by either, and the rest of the payload is as it was.
import { FORGOTTEN_TYPE, isErased } from '@strata/state/server'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectSame, fastAndSlow } from '../support/fastSlow'
import { type AttackStore, as, attackStores, forget } from './attack'
import { personal } from './erasureFixtures'
import { batch, events } from './helpers'

const hostileKey = fc.constantFrom(
  'name ',
  'Name',
  'names',
  '"name"',
  'na\\me',
  'email"',
  '$enc',
  'userId2',
  '',
  '\u2028',
)
const hostileText = fc.constantFrom(
  '","name":"Mallory","x":"',
  '"name":{"$enc":"v2"}',
  '\\',
  '\\"',
  '}]},{',
  '{"$enc":"v2","subject":"ada","data":"AAAA"}',
  '😀\u2029',
)
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }),
    hostileText,
    tie('object'),
    fc.array(tie('any'), { maxLength: 3 }),
  ),
  object: fc.dictionary(
    fc.oneof(hostileKey, fc.constantFrom('name', 'email', 'author', 'authorId'), fc.string()),
    tie('any'),
    { maxKeys: 3 },
  ),
})).any

const SUBJECTS = ['ada', 'bob', 'cy']
/** A payload of a declared type: its subject, personal fields (maybe absent) and others. */
const payloadOf = (type: 'user/renamed' | 'card/added') =>
  fc
    .record({
      subject: fc.constantFrom(...SUBJECTS),
      fields: fc.dictionary(
        fc.constantFrom(...(type === 'user/renamed' ? ['name', 'email'] : ['author'])),
        value,
        { maxKeys: 2 },
      ),
      others: fc.dictionary(fc.oneof(hostileKey, fc.string({ maxLength: 6 })), value, {
        maxKeys: 4,
      }),
      first: fc.boolean(),
    })
    .map(({ subject, fields, others, first }) => {
      const key = type === 'user/renamed' ? 'userId' : 'authorId'
      const rest = Object.fromEntries(
        Object.entries(others).filter(
          ([k]) => !['userId', 'authorId', 'name', 'email', 'author'].includes(k),
        ),
      )
      // The personal fields before or after the others: the envelope sits in the first of them.
      const payload = first
        ? { ...fields, ...rest, [key]: subject }
        : { [key]: subject, ...rest, ...fields }
      return { type, payload: JSON.parse(JSON.stringify(payload)) as Record<string, unknown> }
    })
const event = fc.oneof(payloadOf('user/renamed'), payloadOf('card/added'))
const streamOf = fc.constantFrom('users', 'secret-users')

describe.each(attackStores())(
  'sealed payloads of every shape on %s',
  (_name, sql, make: AttackStore[2]) => {
    it('read as the slow path reads them, for every reader, and a forget opens none of the subject', async () => {
      const storage = await make()
      const urls = await fastAndSlow(storage, { personal })
      // Written through each server in turn: the fast one opens a payload from the store's text
      // (one the slow one wrote) or serves what it learned from its own append.
      const writers = [as(urls.slow, 'bob@acme'), as(urls.fast, 'bob@acme')]
      const posted: { stream: string; payload: Record<string, unknown> }[] = []
      let run = 0
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(event, streamOf), { minLength: 1, maxLength: 4 }),
          async (list) => {
            const from = posted.length
            // A client a run: a run that failed (and is shrunk) leaves no gap in another's.
            const client = `b${++run}`
            const sent = list.map(([{ type, payload }, stream], i) => ({
              ...events(client, i + 1, 1)[0]!,
              type,
              stream,
              payload: payload as never,
            }))
            const answer = await writers[run % 2]!.post(batch(client, sent))
            expect(answer.status, JSON.stringify(answer.body)).toBe(200)
            posted.push(...sent.map((e) => ({ stream: e.stream, payload: e.payload })))
            for (const who of ['bob@acme', 'alice@acme']) {
              const read = await expectSame(urls, who, `?after=v1:${from}&limit=1000`, {
                parsed: true,
              })
              const got = JSON.parse(read.text).events.map((e: any) => e.payload)
              const want = posted
                .slice(from)
                .filter((e) => who === 'bob@acme' || !e.stream.startsWith('secret'))
                .map((e) => e.payload)
              expect(got).toEqual(want)
            }
          },
        ),
        { numRuns: sql ? 25 : 60 },
      )
      expect((await forget(urls.fast, 'ada', 'root@acme')).status).toBe(200)
      for (const who of ['bob@acme', 'alice@acme']) {
        const read = await expectSame(urls, who, '?after=v1:0&limit=1000', { parsed: true })
        const got = JSON.parse(read.text).events.filter((e: any) => e.type !== FORGOTTEN_TYPE)
        const want = posted.filter((e) => who === 'bob@acme' || !e.stream.startsWith('secret'))
        expect(got).toHaveLength(want.length)
        for (const [i, e] of got.entries()) {
          const original = want[i]!.payload
          const ada = original.userId === 'ada' || original.authorId === 'ada'
          for (const [key, v] of Object.entries(original)) {
            const personalKey = ['name', 'email', 'author'].includes(key)
            if (ada && personalKey) expect(isErased(e.payload[key]), key).toBe(true)
            else expect(e.payload[key], key).toEqual(v)
          }
        }
      }
    }, 300_000)
  },
)
