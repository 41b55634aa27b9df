// GET /events written by the store with its sealed rows given apart (PageResult.sealed), opened
// by the server and written into the page, over real HTTP on memory, SQLite and PostgreSQL:
// every principal of two tenants gets, byte for byte, what the event-by-event path gives it
// (readText, opened, each event written by wireText) and what the whole path gives it (read, every
// payload parsed and encoded again), with the server that sealed the events (its cache) and
// with one that never saw them (every field deciphered). A forgotten subject's fields and an
// envelope that does not open (moved from another event, or its bytes changed) read as
// { erased: true }; nobody gets a stream it may not read, nor another tenant's fields.
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

/** As `withAdmins`; alice may read no `secret` stream, carol only `todos` and `cards`. */
const authorize = (request: Request): Principal | null => {
  const principal = withAdmins(request)
  if (principal?.id === 'alice') return { ...principal, canRead: (s) => !s.startsWith('secret') }
  if (principal?.id === 'carol')
    return { ...principal, canRead: (s) => s === 'todos' || s === 'cards' }
  return principal
}

const ODD = '","payload":{"x":"\\u0022 \u2028\u0001\u001f\b\f\n\r\t 😀 日本'
const SECRET_NAME = 'Secret Agent Person'
/** A personal type named as no store may split on either. */
const ODD_TYPE = `odd/${ODD}`
const withOdd = {
  ...personal,
  [ODD_TYPE]: { subject: (p: any) => p.who, fields: ['name'] },
}
const GLOBEX = ['Ada of Globex', 'Bob of Globex']

/** Globex's Ada and Bob: subjects of the same ids as acme's, other people, other keys. */
const globexPeople = () =>
  people('c1').map((e) => ({
    ...e,
    payload: JSON.parse(
      JSON.stringify(e.payload).replaceAll(NAMES.ada, GLOBEX[0]!).replaceAll(NAMES.bob, GLOBEX[1]!),
    ),
  }))

const QUERIES = [
  '?after=v1:0&limit=1000',
  '?after=v1:3&limit=4&clientId=c1',
  '?after=v1:0&stream=cards',
  '?after=v1:0&stream=users&stream=todos&clientId=c1',
  '?after=v1:0&stream=secret-users',
]
const WHO = ['bob@acme', 'alice@acme', 'carol@acme', 'dave@globex']

/** The store, its page reads counted (and whether they gave sealed rows), and its text reads. */
function counted(storage: Storage) {
  const seen = { pages: 0, sealed: 0, held: 0, texts: 0 }
  const wrapped: Storage = {
    ...storage,
    readText: async (request) => {
      seen.texts++
      return storage.readText!(request)
    },
    readPage: async (request: PageRequest) => {
      const page = await storage.readPage!(request)
      seen.pages++
      if (page === undefined) seen.held++
      else if (page.sealed) seen.sealed++
      return page
    },
  }
  return { storage: storage.readPage ? wrapped : storage, seen }
}

async function read(url: string, who: string, query: string) {
  const response = await fetch(`${url}/events${query}`, {
    headers: { authorization: `Bearer ${who}` },
  })
  return { status: response.status, text: await response.text() }
}

const post = async (url: string, who: string, body: unknown) => {
  const response = await fetch(`${url}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status, await response.text()).toBe(200)
}

describe.each(attackStores())('GET /events with sealed rows on %s', (name, _sql, make) => {
  /** The server under test and the two it must equal, on one store; `fresh` for a cold cache. */
  const servers = async (make: AttackStore[2]) => {
    const store = await make()
    const { storage, seen } = counted(store)
    const { readPage: _, ...text } = store
    const options = { authorize, personal: withOdd, onError: () => {} }
    const fast = (await start({ storage, ...options })).url
    return {
      store,
      seen,
      fast,
      fresh: async () => (await start({ storage, ...options })).url,
      text: (await start({ storage: text, ...options })).url,
      slow: (await start({ storage: withoutReadText(store), ...options })).url,
      plain: (await start({ storage: store, authorize })).url,
      writes: store.readPage !== undefined,
    }
  }

  /** Every principal and query answered by `url` as by the two other paths; the answers. */
  const expectSame = async (url: string, other: { text: string; slow: string }, warm = false) => {
    const answers = new Map<string, string>()
    for (const who of WHO) {
      for (const query of QUERIES) {
        const key = `${who} ${query}`
        const fast = await read(url, who, query)
        const text = await read(other.text, who, query)
        const slow = await read(other.slow, who, query)
        expect([fast.status, text.status], key).toEqual([slow.status, slow.status])
        // PostgreSQL's stored text of a payload is jsonb's (its spacing, its order of keys),
        // which the whole path parses and encodes again; the server that sealed the events
        // serves them as they were sent (its cache), the others as jsonb's text: parsed, the same.
        if (name === 'postgres') {
          expect(JSON.parse(fast.text), key).toEqual(JSON.parse(slow.text))
          if (warm) expect(JSON.parse(fast.text), key).toEqual(JSON.parse(text.text))
          else expect(fast.text, key).toBe(text.text)
        } else expect([fast.text, fast.text], key).toEqual([text.text, slow.text])
        if (fast.status === 200) answers.set(key, fast.text)
      }
    }
    return answers
  }

  /** Nobody reads a stream it may not, nor another tenant's events. */
  const expectScoped = (answers: Map<string, string>) => {
    for (const [key, text] of answers) {
      const who = key.split(' ')[0]!
      const streams = (JSON.parse(text) as { events: { stream: string }[] }).events.map(
        (e) => e.stream,
      )
      for (const other of who === 'dave@globex' ? Object.values(NAMES) : GLOBEX)
        expect(text, key).not.toContain(other)
      if (who === 'alice@acme' || who === 'carol@acme') {
        expect(text, key).not.toContain(SECRET_NAME)
        expect(
          streams.filter((s) => s.startsWith('secret')),
          key,
        ).toEqual([])
      }
      if (who === 'carol@acme')
        expect(
          streams.every((s) => ['todos', 'cards', '$strata/erasure'].includes(s)),
          key,
        ).toBe(true)
    }
  }

  it('writes pages holding sealed rows as the slow paths do, for every principal and tenant', async () => {
    const s = await servers(make)
    await post(s.fast, 'bob@acme', batch('c1', events('c1', 1, 2, { payload: { text: ODD } })))
    await post(s.fast, 'bob@acme', batch('c1', people('c1', 3)))
    const secret = events('c1', 6, 2, {
      type: 'user/renamed',
      stream: 'secret-users',
      payload: { userId: 'agent', name: SECRET_NAME, email: `${ODD}@x` },
    })
    // A declared type whose payload lacks a field, and one whose subject is missing.
    const partial = [
      ...events('c1', 8, 1, {
        type: 'user/renamed',
        stream: 'users',
        payload: { userId: 'bob', name: NAMES.bob },
      }),
      ...events('c1', 9, 1, { type: 'user/renamed', stream: 'users', payload: { name: 'Nobody' } }),
    ]
    await post(s.fast, 'bob@acme', batch('c1', [...secret, ...partial]))
    await post(s.fast, 'bob@acme', batch('c1', events('c1', 10, 2, { stream: 'todos' })))
    // Sealed rows whose every other field is odd text (a page's row is read back from its text).
    const odd = [
      ...events('c1', 12, 1, {
        id: ODD,
        stream: ODD,
        // SQLite's sealed row puts the text after the payload first, split where the head starts.
        commandId: `}{"position":"v1:1",${ODD}`,
        type: ODD_TYPE,
        payload: { who: ODD, name: `Odd ${ODD}`, note: ODD },
      }),
      ...events('c1', 13, 1, {
        id: `${ODD}\\`,
        stream: 'users',
        commandId: `\\${ODD}\\`,
        type: 'user/renamed',
        payload: { userId: 'ada', name: 'Odd Ada', email: '\\' },
      }),
    ]
    await post(s.fast, 'bob@acme', batch('c1', odd))
    await post(s.fast, 'dave@globex', batch('c1', globexPeople()))

    // The server that sealed them (its cache), then one that never saw them (deciphered).
    const warm = await expectSame(s.fast, s, true)
    expectScoped(warm)
    const cold = await expectSame(await s.fresh(), s)
    if (name !== 'postgres') expect(cold).toEqual(warm)
    const bob = JSON.parse(warm.get('bob@acme ?after=v1:0&limit=1000')!)
    expect(bob.events.map((e: any) => e.payload.name).filter(Boolean)).toEqual([
      NAMES.ada,
      SECRET_NAME,
      SECRET_NAME,
      NAMES.bob,
      'Nobody',
      `Odd ${ODD}`,
      'Odd Ada',
    ])
    expect(warm.get('alice@acme ?after=v1:0&limit=1000')).toContain(NAMES.ada)
    expect(warm.get('dave@globex ?after=v1:0&limit=1000')).toContain(GLOBEX[0])
    if (s.writes) {
      // The pages of those who read every stream, or name theirs, were written by the store
      // with their sealed rows apart: none held, none read event by event. (Alice and carol,
      // asking for every stream, are read event by event, as before: canRead is code.)
      s.seen.texts = 0
      s.seen.sealed = 0
      for (const who of ['bob@acme', 'dave@globex', 'alice@acme'])
        await read(s.fast, who, '?after=v1:0&stream=users&stream=cards')
      expect(s.seen).toMatchObject({ held: 0, texts: 0, sealed: 3 })
    }
  }, 60_000)

  it('reads a forgotten subject and envelopes that do not open as erased, in the page', async () => {
    const s = await servers(make)
    await post(s.fast, 'bob@acme', batch('c1', people('c1')))
    await post(s.fast, 'dave@globex', batch('c1', globexPeople()))
    // Envelopes as an attacker with the store's files could leave them: one moved from Ada's
    // rename into another event, one with its ciphertext changed (written by a server without
    // `personal`, which stores payloads as sent).
    const stored = await s.store.read({ after: 0, limit: 10, tenant: 'acme' })
    const envelope = (stored.events[0]!.payload as any).name
    expect(envelope).toMatchObject({ $enc: 'v2', subject: 'ada' })
    const flipped = envelope.data.startsWith('A')
      ? `B${envelope.data.slice(1)}`
      : `A${envelope.data.slice(1)}`
    await post(
      s.plain,
      'bob@acme',
      batch('c9', [
        ...events('c9', 1, 1, {
          type: 'user/renamed',
          stream: 'users',
          payload: { userId: 'ada', name: envelope, email: { $enc: 'v2' } },
        }),
        ...events('c9', 2, 1, {
          type: 'user/renamed',
          stream: 'users',
          payload: { userId: 'ada', name: { ...envelope, data: flipped }, email: { $enc: 'v2' } },
        }),
      ]),
    )
    // A sealed row the store may not write itself (a time it writes otherwise): held.
    await post(
      s.fast,
      'bob@acme',
      batch('c1', events('c1', 4, 1, { ...people('c1', 4)[0]!, at: 1.5 })),
    )
    const urls = [s.fast, await s.fresh()]
    for (const url of urls) {
      const answers = await expectSame(url, s, url === s.fast)
      const bob = JSON.parse(answers.get('bob@acme ?after=v1:0&limit=1000')!)
      const names = bob.events.map((e: any) => e.payload.name ?? e.payload.author)
      const erased = { erased: true }
      expect(names).toEqual([NAMES.ada, NAMES.ada, NAMES.bob, erased, erased, NAMES.ada])
    }
    expect((await forget(s.fast, 'ada', 'root@acme')).status).toBe(200)
    const after = await expectSame(s.fast, s, true)
    expectScoped(after)
    const cold = await expectSame(await s.fresh(), s)
    if (name !== 'postgres') expect(cold).toEqual(after)
    const acme = [...after].filter(([key]) => !key.startsWith('dave'))
    expect(JSON.stringify(acme)).not.toContain(NAMES.ada)
    const bob = JSON.parse(after.get('bob@acme ?after=v1:0&limit=1000')!)
    expect(bob.events[0].payload).toMatchObject({ name: { erased: true }, email: { erased: true } })
    expect(bob.events[2].payload.author).toBe(NAMES.bob)
    // Globex's Ada is another subject: untouched.
    expect(after.get('dave@globex ?after=v1:0&limit=1000')).toContain(GLOBEX[0])
    if (s.writes) expect(s.seen.sealed).toBeGreaterThan(10)
  }, 60_000)
})
