// Pages of GET /events holding sealed fields, over real HTTP on memory, SQLite and PostgreSQL,
// as the store writes them (readPage) and the server opens them: with two tenants interleaved
// (tenant positions are not global ones), a cache warmed by a reader of every stream, and a
// forget, each principal's answer equals the slow path's (the store read whole, opened and
// encoded again), and no answer holds another tenant's, another stream's or a forgotten
// subject's plaintext.
import { describe, expect, it } from 'vitest'
import { expectSame, fastAndSlow, readRaw } from '../support/fastSlow'
import { type AttackStore, attackStores, forget } from './attack'
import { personal } from './erasureFixtures'
import { batch, events } from './helpers'

/** A card whose author name (sealed under `authorId`) tells where it was written. */
const card = (clientId: string, seq: number, authorId: string, stream: string, name: string) =>
  events(clientId, seq, 1, {
    type: 'card/added',
    stream,
    payload: { authorId, author: name, title: `t${seq}` },
  })[0]!

const QUERIES = [
  '?after=v1:0&limit=1000',
  '?after=v1:0&limit=3',
  '?after=v1:2&limit=2&clientId=c1',
  '?after=v1:0&stream=cards',
  '?after=v1:0&stream=cards&stream=notes&limit=4',
  '?after=v1:0&stream=secret-cards',
]
const WHO = ['bob@acme', 'alice@acme', 'dave@globex']

describe.each(attackStores())('sealed pages on %s', (name, _sql, make: AttackStore[2]) => {
  it('answers every principal as the slow path, tenants interleaved and the cache warm, before and after a forget', async () => {
    const store = await make()
    const urls = await fastAndSlow(store, { personal })
    const { fast } = urls
    const post = (who: string, body: unknown) =>
      fetch(`${fast}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.status)
    // Globex first and between acme's batches: acme's tenant positions are not its global ones,
    // and the same author id and event ids exist in both tenants.
    let g = 1
    let a = 1
    for (let round = 0; round < 4; round++) {
      const theirs = [card('c1', g++, 'ada', 'cards', `GLOBEX-ADA-${round}`)]
      theirs.push(card('c1', g++, 'gus', 'cards', `GLOBEX-GUS-${round}`))
      expect(await post('dave@globex', batch('c1', theirs))).toBe(200)
      const ours = [
        card('c1', a++, 'ada', 'cards', `ACME-ADA-${round}`),
        card('c1', a++, 'sam', 'secret-cards', `ACME-SECRET-${round}`),
        card('c1', a++, 'bob', 'notes', `ACME-BOB-${round}`),
        ...events('c1', a++, 1, { stream: 'notes', payload: { plain: round } }),
      ]
      expect(await post('bob@acme', batch('c1', ours))).toBe(200)
    }
    const same = async (forbidden: (who: string) => RegExp) => {
      for (const who of WHO) {
        for (const query of QUERIES) {
          const answer = await expectSame(urls, who, query, { parsed: name === 'postgres' })
          expect(answer.text, `${who} ${query}`).not.toMatch(forbidden(who))
        }
      }
    }
    const others = (who: string) =>
      who === 'dave@globex' ? /ACME-/ : who === 'alice@acme' ? /GLOBEX-|ACME-SECRET/ : /GLOBEX-/
    // Cold, then warm: bob's full read puts every acme payload, opened, in the cache first.
    await same(others)
    await readRaw(fast, 'bob@acme', '?after=v1:0&limit=1000')
    await same(others)
    // Ada forgotten in acme: her acme names gone for every reader, globex's Ada untouched.
    expect((await forget(fast, 'ada', 'root@acme')).status).toBe(200)
    await same((who) =>
      who === 'dave@globex' ? /ACME-/ : new RegExp(`${others(who).source}|ACME-ADA`),
    )
    const globex = await readRaw(fast, 'dave@globex', '?after=v1:0&limit=1000')
    expect(globex.text.match(/GLOBEX-ADA-\d/g)).toHaveLength(4)
  }, 60_000)
})
