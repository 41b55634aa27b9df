import {
  createEventServer,
  type EventServer,
  type Principal,
  type Storage,
} from '@strata/state/server'
import { afterEach, describe, expect, it } from 'vitest'
import { NAMES, people, personal } from './erasureFixtures'
import { BASE, batch, events, postOk } from './helpers'
import type { StorageFactory } from './suite'
import { serverStarter } from './suite.server.setup'

/** Bob reads everything, Alice no `secret` stream, Carol only `todos`; Root forgets. */
const principals: Record<string, Principal> = {
  bob: { id: 'bob', tenant: 'acme' },
  alice: { id: 'alice', tenant: 'acme', canRead: (s) => !s.startsWith('secret') },
  carol: { id: 'carol', tenant: 'acme', canRead: (s) => s === 'todos' },
  root: { id: 'root', tenant: 'acme', admin: true },
}
const authorize = (request: Request) =>
  principals[request.headers.get('authorization')?.replace('Bearer ', '') ?? ''] ?? null
const as = (user: string) => ({ authorization: `Bearer ${user}` })

/** Payloads whose text an adapter may write its own way: the answer must parse the same. */
const ODD: unknown[] = [
  { text: 'naïve café 日本語 🎉 \u2028\u2029 "quoted" \\ back\nline\ttab\u0001 </script>' },
  { nested: { a: [1, [2, [3, { b: null }]], {}], c: { d: { e: { f: [] } } } } },
  { big: 1e21, small: 1e-7, max: 2 ** 53 - 1, frac: 0.1, huge: 1.5e300, tiny: -2.5e-300 },
  {},
  [],
  null,
  'a string',
  42,
  // Looks sealed, but its type declares nothing personal: served as sent.
  { $enc: 'v2', subject: 'ada', data: 'bm90IHNlYWxlZA==' },
  { 'key with "$enc" in it': '"$enc"', '': 'empty key', ключ: 'значение' },
]

/** The fields of an event on the wire, in the order the server has always written them. */
const WIRE_KEYS = [
  'position',
  'clientId',
  'clientSeq',
  'id',
  'stream',
  'streamVersion',
  'type',
  'payload',
  'at',
  'commandId',
]

/**
 * `GET /events` served by splicing each payload's stored text (`Storage.readText`) answers as the
 * server did when it parsed every payload and encoded it again (the same store read without
 * `readText`, so `read`'s payloads are encoded): plain, sealed (opened, and once forgotten), on
 * streams a principal may not read, and odd payloads.
 */
export function readTextContract(factory: StorageFactory) {
  describe('GET /events from stored payload text', () => {
    const start = serverStarter(factory)
    const others: EventServer[] = []
    afterEach(async () => {
      for (const server of others.splice(0)) await server.close()
    })

    interface Pair {
      server: EventServer
      /** A second server on the same store that reads it the old way: parsed, then encoded. */
      old: EventServer
      storage: Storage
    }
    const pair = async (): Promise<Pair> => {
      const { server, storage } = await start({ authorize, personal })
      const { readText: _, readPage: __, ...whole } = storage
      const old = createEventServer({ storage: whole, authorize, personal, onError: () => {} })
      others.push(old)
      return { server, old, storage }
    }

    const text = async (server: EventServer, path: string, user: string) => {
      const response = await server.fetch(new Request(`${BASE}${path}`, { headers: as(user) }))
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
      return response.text()
    }

    /**
     * Both servers' answers alike parsed, and byte for byte what `JSON.stringify` made of the
     * old one where the store keeps the text it made (PostgreSQL's jsonb writes its own: spaces,
     * key order, 1e21 in full).
     */
    const expectSame = async (pair: Pair, path: string, user: string) => {
      const [a, b] = [await text(pair.server, path, user), await text(pair.old, path, user)]
      expect(JSON.parse(a)).toEqual(JSON.parse(b))
      // As JSON.stringify wrote the whole answer before (both servers write it the new way).
      if (pair.storage.kind !== 'postgres') expect(a).toBe(JSON.stringify(JSON.parse(b)))
      return JSON.parse(a) as { events: { stream: string; payload: unknown }[] } & object
    }

    const seed = async (server: EventServer) => {
      const odd = ODD.map((payload, i) => ({
        ...events('c1', i + 1, 1)[0]!,
        stream: i % 2 ? 'todos' : 'notes',
        payload,
      }))
      await postOk(server, batch('c1', odd), as('bob'))
      await postOk(
        server,
        batch('c1', events('c1', ODD.length + 1, 3, { stream: 'secret-plans' })),
        as('bob'),
      )
      await postOk(server, batch('c1', people('c1', ODD.length + 4)), as('bob'))
    }

    const PATHS = [
      '/events?after=v1:0&limit=1000',
      '/events?after=v1:3&limit=5&clientId=c1',
      '/events?after=v1:0&stream=todos&stream=secret-plans&clientId=nobody',
    ]

    it('answers every principal as parsing each payload did, its odd payloads as sent', async () => {
      const both = await pair()
      await seed(both.server)
      for (const user of ['bob', 'alice', 'carol']) {
        for (const path of PATHS) {
          if (user !== 'bob' && path.includes('secret')) continue
          await expectSame(both, path, user)
        }
      }
      const all = await expectSame(both, PATHS[0]!, 'bob')
      expect(all.events.slice(0, ODD.length).map((e) => e.payload)).toEqual(ODD)
      expect(all.events.every((e) => Object.keys(e).join() === WIRE_KEYS.join())).toBe(true)
      expect(Object.keys(all)).toEqual(['protocol', 'events', 'token', 'head', 'hasMore'])
      // Opened for a reader allowed to see them; never served sealed.
      expect(all.events.slice(-3).map((e) => e.payload)).toMatchObject([
        { name: NAMES.ada },
        { author: NAMES.ada },
        { author: NAMES.bob },
      ])
      const alice = await expectSame(both, PATHS[0]!, 'alice')
      expect(alice.events.some((e) => e.stream.startsWith('secret'))).toBe(false)
      expect(alice.events).toHaveLength(all.events.length - 3)
    })

    it('shows forgotten fields as placeholders and the erasure to every reader, as before', async () => {
      const both = await pair()
      await seed(both.server)
      // Read once before, so both servers' caches hold the opened fields they must now drop.
      await expectSame(both, PATHS[0]!, 'bob')
      // Forgotten through the other server, as by another process: this one's cache of opened
      // payloads (sealed and read here) must see the tenant's count of erasures move.
      const forgot = await both.old.fetch(
        new Request(`${BASE}/subjects/ada/forget`, { method: 'POST', headers: as('root') }),
      )
      expect(forgot.status).toBe(200)
      for (const user of ['bob', 'alice', 'carol']) await expectSame(both, PATHS[0]!, user)
      const all = await expectSame(both, PATHS[0]!, 'bob')
      expect(all.events.slice(-4).map((e) => e.payload)).toMatchObject([
        { name: { erased: true }, email: { erased: true } },
        { author: { erased: true } },
        { author: NAMES.bob },
        { subject: 'ada' },
      ])
      // Carol reads only `todos`, and hears of the erasure all the same.
      const carol = await expectSame(both, PATHS[0]!, 'carol')
      expect(carol.events.map((e) => e.stream)).toEqual([
        ...Array(ODD.length / 2).fill('todos'),
        '$strata/erasure',
      ])
    })

    it('reads each payload as its stored text, the rest as read gives it', async () => {
      const { server, storage } = await start({ authorize })
      await seed(server)
      const request = { after: 2, limit: 10, tenant: 'acme', clientIds: ['c1'] }
      const whole = await storage.read(request)
      const text = await storage.readText!(request)
      expect(text.head).toBe(whole.head)
      expect(text.clients).toEqual(whole.clients)
      expect(
        text.events.map(({ payloadText, ...e }) => ({ ...e, payload: JSON.parse(payloadText) })),
      ).toEqual(whole.events.map(({ fingerprint: _, ...e }) => e))
      const empty = await storage.readText!({ ...request, after: whole.head })
      expect(empty).toEqual({ events: [], head: whole.head, clients: whole.clients })
      expect(await storage.readText!({ after: 0, limit: 10, tenant: 'nobody' })).toEqual({
        events: [],
        head: 0,
        clients: [],
      })
    })
  })
}
