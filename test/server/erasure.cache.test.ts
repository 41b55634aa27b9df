import { createEventServer, memoryStorage, sqliteStorage } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { OpenedCache } from '../../src/server/erasure/cache'
import { EMAIL, NAMES, people, personal } from './erasureFixtures'
import { batch, failingAppends, post, postOk, readAll } from './helpers'
import { as, authorize } from './suite.server.setup'

const payloads = (list: { type: string; payload: unknown }[]) => list.map((e) => e.payload)

describe.each([
  ['sqlite', () => sqliteStorage(':memory:')],
  ['memory', () => memoryStorage()],
])('the cache of subject keys (%s)', (_, make) => {
  it('keeps no key of an append that rolled back: the retry makes one that is stored', async () => {
    const storage = make()
    let fail = true
    const server = createEventServer({
      storage: failingAppends(storage, () => fail),
      personal,
    })
    // Sealed with new keys for ada and bob, then rolled back: those keys are in no table.
    expect((await post(server, batch('c1', people('c1')))).status).toBe(503)
    fail = false
    await postOk(server, batch('c1', people('c1')))
    const expected = [
      { userId: 'ada', name: NAMES.ada, email: EMAIL },
      { authorId: 'ada', author: NAMES.ada, title: 'Difference engine notes' },
      { authorId: 'bob', author: NAMES.bob, title: 'Sanitize inputs' },
    ]
    expect(payloads((await readAll(server)).events)).toEqual(expected)
    // A server without the cache reads with the stored keys only.
    const fresh = createEventServer({ storage, personal })
    expect(payloads((await readAll(fresh)).events)).toEqual(expected)
    await postOk(fresh, batch('c2', people('c2')))
    const again = createEventServer({ storage, personal })
    expect(payloads((await readAll(again)).events)).toEqual([...expected, ...expected])
    await Promise.all([server.close(), fresh.close(), again.close()])
    await storage.close()
  })
})

describe('the cache of opened fields', () => {
  it("never serves one event's fields for another's with the same id (ids are unique per client)", async () => {
    const storage = sqliteStorage(':memory:')
    const server = createEventServer({ storage, personal, authorize })
    const renamed = (clientId: string, name: string) =>
      batch(clientId, [
        {
          clientSeq: 1,
          id: 'same-id',
          stream: 'users',
          type: 'user/renamed',
          payload: { userId: clientId === 'c1' ? 'ada' : 'mallory', name, email: EMAIL },
          at: 1_700_000_000_000,
        },
      ])
    await postOk(server, renamed('c1', NAMES.ada), as('bob'))
    await postOk(server, renamed('c2', 'Mallory'), as('alice'))
    const names = (list: { payload: unknown }[]) => list.map((e) => (e.payload as any).name)
    expect(names((await readAll(server, as('bob'))).events)).toEqual([NAMES.ada, 'Mallory'])
    const fresh = createEventServer({ storage, personal, authorize })
    expect(names((await readAll(fresh, as('bob'))).events)).toEqual([NAMES.ada, 'Mallory'])
    expect(names((await readAll(server, as('bob'))).events)).toEqual([NAMES.ada, 'Mallory'])
    await Promise.all([server.close(), fresh.close()])
    await storage.close()
  })
})

describe('OpenedCache', () => {
  it('holds at most its size, the latest first, and drops a tenant whose erasures moved', () => {
    const cache = new OpenedCache(100)
    cache.sync('acme', 0)
    cache.sync('evil', 0)
    for (let position = 1; position <= 1000; position++)
      cache.setValues(position % 2 ? 'acme' : 'evil', position, { name: `n${position}` }, 0)
    const held = []
    for (let position = 1; position <= 1000; position++) {
      const tenant = position % 2 ? 'acme' : 'evil'
      const values = cache.values(tenant, position)
      if (values) held.push(position)
      if (values) expect(values).toEqual({ name: `n${position}` })
      expect(cache.values(tenant === 'acme' ? 'evil' : 'acme', position)).toBeUndefined()
    }
    expect(held.length).toBeLessThanOrEqual(100)
    expect(held).toEqual(expect.arrayContaining([951, 975, 1000]))
    cache.sync('acme', 1)
    expect(cache.values('acme', 999)).toBeUndefined()
    expect(cache.values('evil', 1000)).toEqual({ name: 'n1000' })
    // What a reader had at the count before is not kept at the new one.
    cache.setValues('acme', 999, { name: 'stale' }, 0)
    cache.setKey('acme', 'ada', new Uint8Array(32), 0)
    expect([cache.values('acme', 999), cache.key('acme', 'ada')]).toEqual([undefined, undefined])
    cache.drop('acme')
    cache.setValues('acme', 999, { name: 'stale' }, 1)
    expect(cache.values('acme', 999)).toBeUndefined()
    expect(cache.values('evil', 1000)).toEqual({ name: 'n1000' })
  })

  it('spans the positions it holds, from the lowest held to the highest kept, per tenant', () => {
    const cache = new OpenedCache(100)
    cache.sync('acme', 0)
    expect(cache.span('acme')).toBeUndefined()
    for (let position = 1; position <= 120; position++)
      cache.setText('acme', position, `{"n":${position}}`, ['n'], 0)
    // Halves of 50: 1-50 went when 101 came; 51-100 and 101-120 are held.
    expect([cache.text('acme', 50), cache.text('acme', 51)]).toEqual([undefined, '{"n":51}'])
    expect(cache.span('acme')).toEqual([51, 120])
    expect(cache.span('globex')).toBeUndefined()
    cache.drop('acme')
    expect(cache.span('acme')).toBeUndefined()
  })

  it('keeps a text alone and gives its sealed fields back from it, once, at the count it was kept', () => {
    const cache = new OpenedCache(100)
    cache.sync('acme', 0)
    const text = JSON.stringify({ userId: 'ada', name: { first: 'Ada' }, email: 'a@x', n: 1 })
    cache.setText('acme', 1, text, ['name', 'email'], 0)
    cache.learn('acme', 0, new Map(), [[2, JSON.stringify({ name: 'Bob', other: 1 }), ['name']]])
    // A field the text lacks is not made up (v1 may open fewer fields than it names).
    cache.setText('acme', 3, JSON.stringify({ name: 'Cy' }), ['name', 'email'], 0)
    expect(cache.text('acme', 1)).toBe(text)
    const first = cache.values('acme', 1)
    expect(first).toEqual({ name: { first: 'Ada' }, email: 'a@x' })
    expect(cache.values('acme', 1)).toBe(first)
    expect(cache.values('acme', 2)).toEqual({ name: 'Bob' })
    expect(cache.values('acme', 3)).toEqual({ name: 'Cy' })
    expect(cache.values('evil', 1)).toBeUndefined()
    // Nothing is kept at a count that is no longer the tenant's.
    cache.setText('acme', 4, text, ['name'], 1)
    cache.learn('acme', 1, new Map([['ada', new Uint8Array(32)]]), [[5, text, ['name']]])
    expect([cache.text('acme', 4), cache.text('acme', 5), cache.key('acme', 'ada')]).toEqual([
      undefined,
      undefined,
      undefined,
    ])
  })
})
