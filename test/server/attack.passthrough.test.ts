// Attacks on the pass-through read path over real HTTP: GET /events writes its answer around the
// stored payload text (Storage.readText), opening only declared types whose text names "$enc".
// A payload's text must never break the answer, reach a reader it is not for, or make the server
// open a sealed field for someone else; every answer must equal the slow path's (the same store
// read without readText: parsed, opened, encoded again).
import { describe, expect, it } from 'vitest'
import { expectSame, type FastSlow, fastAndSlow, readRaw } from '../support/fastSlow'
import { type AttackStore, as, attackStores, forget } from './attack'
import { NAMES, people, personal } from './erasureFixtures'
import { batch, events } from './helpers'

/** What breaks naive splicing: closing quotes and brackets, escapes, separators, look-alikes. */
const HOSTILE: unknown[] = [
  { text: '","stream":"secret","payload":{"x":1}},{"position":"v1:99' },
  { text: '"}]},"token":"v1:999","head":"v1:999","hasMore":true}' },
  { text: '\\", \\\\ \\u0022 \\u2028 </script><script>alert(1)</script>' },
  { seps: '\u2028\u2029\u0085\ufeff\u200b', controls: '\u0001\u001f\u007f\b\f\n\r\t' },
  { pairs: '😀𝄞\ud83d\ude00', bidi: '\u202eevil\u202c' },
  { '"$enc"': '"$enc"', 'a"b': 'c\\d', '': '', $enc: 'v2' },
  {
    nested: {
      author: { $enc: 'v2', subject: 'ada', data: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    },
  },
  { $enc: 'v2', subject: 'ada', data: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
  { $enc: 'v1', subject: 'ada', iv: 'AAAAAAAAAAAAAAAA', data: 'AAAAAAAAAAAAAAAAAAAAAAAA' },
  { deep: JSON.parse(`${'['.repeat(50)}"$enc"${']'.repeat(50)}`) },
  { big: 2 ** 1023 * 1.999, neg: -0, tiny: 5e-324, max: Number.MAX_SAFE_INTEGER + 2 },
  [{ $enc: 'v2' }, '$enc', null],
  '"$enc"',
  -1.5e-300,
]

/** Payloads sent as raw text: what JSON.parse makes of them is what must be served. */
const RAW_PAYLOADS = [
  '{"dup":"first","dup":"second"}',
  '{"huge":1e400,"long":123456789012345678901234567890,"exp":1E+2}',
  '{"esc":"\\u0024enc","key\\u0022":"\\/"}',
  '{"\\u0024enc":"v2","subject":"ada","data":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}',
]

/** POST /events with the body as given. */
async function postText(url: string, who: string, text: string) {
  const response = await fetch(`${url}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' },
    body: text,
  })
  return { status: response.status, body: await response.json() }
}

/** Both servers' answers to `who`, parsed: they must be the same, and each parse on its own. */
async function bothRead(urls: FastSlow, who: string, query?: string) {
  const { status, text } = await expectSame(urls, who, query, { parsed: true })
  expect(status).toBe(200)
  return { text, body: JSON.parse(text) }
}

describe.each(attackStores())(
  'the pass-through read path on %s',
  (_name, _sql, make: AttackStore[2]) => {
    it('hostile payload text breaks no answer and reaches no reader it is not for', async () => {
      const storage = await make()
      const urls = await fastAndSlow(storage, { personal })
      const secret = 'TOP-SECRET-PAYLOAD'
      expect(
        (
          await as(urls.fast, 'mallory@acme').post(
            batch('m', [
              ...HOSTILE.map((payload, i) => ({
                ...events('m', i + 1, 1)[0],
                stream: 'public',
                payload,
              })),
              ...events('m', HOSTILE.length + 1, 1, { stream: 'secret', payload: { secret } }),
            ]),
          )
        ).status,
      ).toBe(200)
      for (const [i, text] of RAW_PAYLOADS.entries()) {
        const event = JSON.stringify({ ...events('r', i + 1, 1)[0], stream: 'public', payload: 0 })
        const body = `{"protocol":1,"clientId":"r","events":[${event.replace('"payload":0', `"payload":${text}`)}]}`
        expect((await postText(urls.fast, 'mallory@acme', body)).status).toBe(200)
      }
      // Erasure types with look-alikes: no subject (stored as sent), or a subject (sealed over them).
      await as(urls.fast, 'mallory@acme').post(
        batch('p', [
          ...events('p', 1, 1, { type: 'card/added', payload: HOSTILE[7] as never }),
          ...events('p', 2, 1, {
            type: 'card/added',
            payload: { author: HOSTILE[7], title: 'x' } as never,
          }),
          ...events('p', 3, 1, {
            type: 'card/added',
            payload: { authorId: 'mallory', author: HOSTILE[0], title: HOSTILE[5] } as never,
          }),
        ]),
      )
      const expected = [
        ...HOSTILE,
        ...RAW_PAYLOADS.map((text) => JSON.parse(text)),
        HOSTILE[7],
        // A look-alike in a declared field without a subject does not open: it reads as erased.
        { author: { erased: true }, title: 'x' },
        { authorId: 'mallory', author: HOSTILE[0], title: HOSTILE[5] },
      ].map((payload) => JSON.parse(JSON.stringify(payload)))
      for (const who of ['alice@acme', 'mallory@acme']) {
        const { text, body } = await bothRead(urls, who)
        const mine = body.events.filter((e: any) => e.stream !== 'secret')
        expect(mine.map((e: any) => e.payload)).toEqual(expected)
        expect(Object.keys(body)).toEqual(['protocol', 'events', 'token', 'head', 'hasMore'])
        expect(body).toMatchObject({ head: `v1:${HOSTILE.length + 1 + RAW_PAYLOADS.length + 3}` })
        // Alice reads no secret event: not as an event, nor spliced into another one's text.
        if (who === 'alice@acme') {
          expect(body.events.some((e: any) => e.stream === 'secret')).toBe(false)
          expect(text).not.toContain(secret)
        } else expect(text).toContain(secret)
      }
      // Another tenant's reader sees none of it, in the same text format.
      const evil = await bothRead(urls, 'eve@evil')
      expect(evil.body.events).toEqual([])
      expect(evil.text).not.toContain('mallory')
    })

    it('refuses text that cannot be stored unchanged (lone surrogates, NUL) and keeps the answers whole', async () => {
      const storage = await make()
      const urls = await fastAndSlow(storage, { personal })
      await as(urls.fast, 'bob@acme').post(batch('c1', people('c1')))
      const before = await bothRead(urls, 'bob@acme')
      for (const text of ['\ud800', 'x\udfffy', '\ude00\ud83d', 'nul\u0000']) {
        for (const payload of [{ text }, { [text]: 1 }, { author: text, authorId: 'ada' }]) {
          const answer = await as(urls.fast, 'mallory@acme').post(
            batch('m', events('m', 1, 1, { type: 'card/added', payload: payload as never })),
          )
          expect([answer.status, answer.body.error.code]).toEqual([400, 'bad_request'])
        }
      }
      expect((await bothRead(urls, 'bob@acme')).text).toBe(before.text)
    })

    it('a ciphertext copied into another event, client or tenant never opens for the copier', async () => {
      const storage = await make()
      const urls = await fastAndSlow(storage, { personal })
      await as(urls.fast, 'bob@acme').post(batch('c1', people('c1')))
      // What an attacker could hold from a leaked backup: Ada's envelopes as stored.
      const stored = (await storage.read({ after: 0, limit: 10, tenant: 'acme' })).events
      const [renamed, card] = stored.map((e) => e.payload as Record<string, any>)
      expect(card!.author.$enc).toBe('v2')
      const copies = [
        // No subject: stored as sent, so the server tries the envelope's own subject's key.
        { authorId: '', author: card!.author, title: 'copy' },
        { author: card!.author, title: 'no subject' },
        { author: renamed!.name, title: 'from another field' },
        // Her subject named: sealed again over the copy, which comes back as sent, unopened.
        { authorId: 'ada', author: card!.author, title: 'sealed over' },
      ]
      // Ada's card's event id under mallory's client; then her card's client and id in evil too.
      const post = (who: string, clientId: string) =>
        as(urls.fast, who).post(
          batch(
            clientId,
            copies.map((payload, i) => ({
              ...events(clientId, i + 1, 1)[0],
              id: i ? `${clientId}-x${i}` : 'c1-2',
              type: 'card/added',
              stream: 'cards',
              payload,
            })),
          ),
        )
      expect((await post('mallory@acme', 'm')).status).toBe(200)
      expect((await post('eve@evil', 'c1')).status).toBe(200)
      // Evil has an Ada of its own, with a key of its own.
      await as(urls.fast, 'eve@evil').post(batch('c3', people('c3')))
      const sent = JSON.parse(JSON.stringify(card!.author))
      const erased = { erased: true }
      for (const [who, from] of [
        ['mallory@acme', 3],
        ['eve@evil', 0],
      ] as const) {
        const { body } = await bothRead(urls, who)
        const theirs = body.events.slice(from, from + copies.length).map((e: any) => e.payload)
        expect(theirs.map((p: any) => p.author)).toEqual([erased, erased, erased, sent])
      }
      // Forgotten in acme: every copy and the original read erased, evil's own Ada is still hers.
      expect((await forget(urls.fast, 'ada', 'root@acme')).status).toBe(200)
      for (const url of [urls.fast, urls.slow]) {
        const acme = (await readRaw(url, 'bob@acme')).text
        expect(acme).not.toContain(NAMES.ada)
        const evil = (await readRaw(url, 'eve@evil')).text
        expect(evil.split(NAMES.ada)).toHaveLength(3)
      }
    })
  },
)
