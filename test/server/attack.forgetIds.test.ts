// The subject of POST /subjects/<id>/forget over real HTTP: the id the admin sent, percent-decoded,
// is the subject forgotten, and an id that does not decode (a malformed escape, bytes that are no
// UTF-8), is empty, too long or holds a NUL is refused with 400 before anything is stored. A
// malformed escape once forgot the literal text instead ("%E0%A4%A"), answering 200: the admin
// read "forgotten" while the person was not.
import { describe, expect, it } from 'vitest'
import { as, start, withAdmins } from './attack'
import { personal } from './erasureFixtures'
import { batch, events } from './helpers'

/** A card by `authorId`, whose author name is sealed under that subject. */
const card = (clientId: string, seq: number, authorId: string) =>
  events(clientId, seq, 1, {
    type: 'card/added',
    stream: 'cards',
    payload: { authorId, author: `name of ${authorId}`, title: 't' },
  })

async function post(url: string, rawId: string, who = 'root@acme') {
  const response = await fetch(`${url}/subjects/${rawId}/forget`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who}` },
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}

describe('forget ids', () => {
  it('refuses ids that do not decode or cannot be a subject, storing nothing', async () => {
    const { url } = await start({ authorize: withAdmins, personal })
    const bob = as(url, 'bob@acme')
    await bob.post(batch('c1', card('c1', 1, 'ada')))
    const before = (await bob.get('/events?after=v1:0')).body
    for (const raw of ['%E0%A4%A', '%', 'ada%', '%zz', '%ED%A0%80', '%C3', '%FF', '%00', 'a%00b']) {
      const answer = await post(url, raw)
      expect([raw, answer.status, answer.body.error.code]).toEqual([raw, 400, 'bad_request'])
      expect(answer.body.error.path).toEqual(['subject'])
      // A non-admin hears that it may not forget, whatever the id.
      expect((await post(url, raw, 'bob@acme')).status).toBe(403)
    }
    expect((await post(url, 'x'.repeat(513))).status).toBe(400)
    // Past Node's header limit: refused before any handler runs.
    expect((await post(url, 'x'.repeat(20_000))).status).toBe(431)
    expect((await bob.get('/events?after=v1:0')).body).toEqual(before)
  })

  it('forgets the decoded id, slashes, spaces and letters beyond ASCII included', async () => {
    const { url } = await start({ authorize: withAdmins, personal })
    const bob = as(url, 'bob@acme')
    const ids = ['a/b', 'é ü', '%41', 'ada ', '512'.repeat(170)]
    await bob.post(
      batch(
        'c1',
        ids.flatMap((id, i) => card('c1', i + 1, id)),
      ),
    )
    for (const id of ids) {
      const answer = await post(url, encodeURIComponent(id))
      expect([answer.status, answer.body.subject]).toEqual([200, id])
    }
    const read = (await bob.get('/events?after=v1:0')).body.events
    const cards = read.filter((e: any) => e.type === 'card/added')
    expect(cards.map((e: any) => e.payload.author)).toEqual(ids.map(() => ({ erased: true })))
    expect(JSON.stringify(read)).not.toContain('name of')
  })
})
