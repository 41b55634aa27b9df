// GET /events written by the store (Storage.readPage) over real HTTP: each principal gets what
// the server writing each event itself gives it (the same store read without readText and
// readPage), never another tenant's event or a stream it may not read, and a page holding an
// event only the server may write out (a notice for a reader of some streams, a time the store
// writes otherwise) is read the slow way. A store without readPage (memory) answers
// the slow way throughout: the same answers.
import type { PageRequest, Principal, Storage } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import {
  type AttackStore,
  attackStores,
  forget,
  start,
  withAdmins,
  withoutReadText,
} from './attack'
import { NAMES, people, personal } from './erasureFixtures'
import { batch, events } from './helpers'

/** As `withAdmins`; alice may read no `secret` stream, carol only `todos`. */
const authorize = (request: Request): Principal | null => {
  const principal = withAdmins(request)
  if (principal?.id === 'alice') return { ...principal, canRead: (s) => !s.startsWith('secret') }
  if (principal?.id === 'carol') return { ...principal, canRead: (s) => s === 'todos' }
  return principal
}

/** Text no store may split on: quotes, escapes, separators, control characters, look-alikes. */
const ODD = '","stream":"secret"}]},{"x":"\\u0022 \u2028\u2029\u0001\u001f\u007f\b\f\n\r\t 😀 日本'

/** Every read the store was asked to write, and whether it did. */
function counted(storage: Storage) {
  const pages: { request: PageRequest; written: boolean }[] = []
  const wrapped: Storage = {
    ...storage,
    readPage: async (request) => {
      const page = await storage.readPage!(request)
      pages.push({ request, written: page !== undefined })
      return page
    },
  }
  return { storage: storage.readPage ? wrapped : storage, pages }
}

async function read(url: string, who: string, query: string) {
  const response = await fetch(`${url}/events${query}`, {
    headers: { authorization: `Bearer ${who}` },
  })
  return { status: response.status, text: await response.text() }
}

const QUERIES = [
  '?after=v1:0&limit=1000',
  '?after=v1:2&limit=3&clientId=c1',
  '?after=v1:0&stream=todos',
  '?after=v1:0&stream=todos&stream=notes&clientId=c1',
  '?after=v1:0&stream=secret-plans',
]
const WHO = ['bob@acme', 'alice@acme', 'carol@acme', 'dave@globex']

describe.each(attackStores())('GET /events written by the store on %s', (name, _sql, make) => {
  /** Servers on one store: the one under test (its page reads counted) and the slow one. */
  const servers = async (make: AttackStore[2], withPersonal = false) => {
    const store = await make()
    const { storage, pages } = counted(store)
    const options = { authorize, ...(withPersonal && { personal }) }
    const fast = await start({ storage, ...options })
    const slow = await start({ storage: withoutReadText(store), ...options })
    return { fast: fast.url, slow: slow.url, pages, writes: store.readPage !== undefined }
  }

  /** Every principal and query answered as the slow path does; returns the fast answers. */
  const expectSame = async (urls: { fast: string; slow: string }) => {
    const answers = new Map<string, { status: number; text: string }>()
    for (const who of WHO) {
      for (const query of QUERIES) {
        const [fast, slow] = [await read(urls.fast, who, query), await read(urls.slow, who, query)]
        expect(fast.status, `${who} ${query}`).toBe(slow.status)
        if (name === 'postgres') expect(JSON.parse(fast.text)).toEqual(JSON.parse(slow.text))
        else expect(fast.text, `${who} ${query}`).toBe(slow.text)
        answers.set(`${who} ${query}`, fast)
      }
    }
    return answers
  }

  it("answers as the slow path, never with another tenant's event or a stream not readable", async () => {
    const urls = await servers(make)
    const acme = [
      ...events('c1', 1, 3, { stream: 'todos', payload: { text: ODD } }),
      ...events('c1', 4, 2, { stream: 'notes', type: ODD }),
      ...events('c1', 6, 2, { stream: 'secret-plans', payload: { secret: 'ACME-SECRET' } }),
      ...events('c1', 8, 1, { stream: ODD, id: ODD, commandId: ODD }),
    ]
    const bob = { authorization: 'Bearer bob@acme', 'content-type': 'application/json' }
    const post = (who: Record<string, string>, body: unknown) =>
      fetch(`${urls.fast}/events`, { method: 'POST', headers: who, body: JSON.stringify(body) })
    expect((await post(bob, batch('c1', acme))).status).toBe(200)
    const dave = { ...bob, authorization: 'Bearer dave@globex' }
    const globex = events('c1', 1, 4, { stream: 'todos', payload: { secret: 'GLOBEX-ONLY' } })
    expect((await post(dave, batch('c1', globex))).status).toBe(200)

    const answers = await expectSame(urls)
    // The store wrote the pages of principals that read every stream, and of those naming theirs.
    const written = urls.pages.filter((p) => p.written)
    if (!urls.writes) expect(urls.pages).toEqual([])
    else {
      expect(written.map((p) => p.request.streams === undefined)).toContain(false)
      expect(written.length).toBeGreaterThan(4)
    }
    for (const [key, answer] of answers) {
      const [who] = key.split(' ')
      if (answer.status !== 200) continue
      const body = JSON.parse(answer.text) as { events: { stream: string }[] }
      if (who !== 'dave@globex') expect(answer.text, key).not.toContain('GLOBEX-ONLY')
      else expect(answer.text, key).not.toContain('ACME')
      if (who === 'alice@acme' || who === 'carol@acme') expect(answer.text).not.toContain('SECRET')
      if (who === 'carol@acme') expect(body.events.every((e) => e.stream === 'todos')).toBe(true)
    }
    // Carol names a stream she may not read: refused, as before.
    expect(
      answers.get('carol@acme ?after=v1:0&stream=todos&stream=notes&clientId=c1')!.status,
    ).toBe(403)
  })

  it('reads a page holding sealed fields as the slow way, one with a notice or an odd time that way', async () => {
    const urls = await servers(make, true)
    const bob = { authorization: 'Bearer bob@acme', 'content-type': 'application/json' }
    const post = (body: unknown) =>
      fetch(`${urls.fast}/events`, { method: 'POST', headers: bob, body: JSON.stringify(body) })
    expect((await post(batch('c1', events('c1', 1, 2, { stream: 'todos' })))).status).toBe(200)
    expect((await post(batch('c1', people('c1', 3)))).status).toBe(200)
    expect((await post(batch('c1', events('c1', 6, 1, { stream: 'todos', at: 1.5 })))).status).toBe(
      200,
    )
    const sealed = await expectSame(urls)
    // Opened for bob as the slow path opens it.
    expect(sealed.get('bob@acme ?after=v1:0&limit=1000')!.text).toContain(NAMES.ada)
    const held = urls.pages.filter((p) => !p.written)
    if (urls.writes) expect(held.length).toBeGreaterThan(0)
    expect((await forget(urls.fast, 'ada', 'root@acme')).status).toBe(200)
    const after = await expectSame(urls)
    // Carol reads `todos` only, and hears of the erasure: a notice the server wrote out.
    const carol = JSON.parse(after.get('carol@acme ?after=v1:0&stream=todos')!.text)
    expect(carol.events.map((e: { stream: string }) => e.stream)).toEqual([
      'todos',
      'todos',
      'todos',
      '$strata/erasure',
    ])
    expect(JSON.stringify([...after.values()])).not.toContain(NAMES.ada)
  })
})
