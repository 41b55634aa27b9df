import { createEventServer, memoryStorage, sqliteStorage } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { type Envelope, sync, web } from '../../src/server/erasure/crypto'
import { EMAIL, NAMES, personal } from './erasureFixtures'
import { BASE, batch, events, postOk, readAll } from './helpers'
import { as, authorize } from './suite.server.setup'

const KEY = Uint8Array.from(
  Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex'),
)

/** Sealed under KEY for tenant acme by the v1 code (before v2): rows users' stores hold. */
const V1 = {
  name: {
    $enc: 'v1',
    subject: 'ada',
    iv: 'p4Q+ILpSwc/xDb21',
    data: 'b2UKvvBpYvaWpvFqJPopBnFLRkDzqiIAoew1if5JhFPBxe9PqJlMPaSXRDxK82Sj0NngHuyXx9oQWvHRIY+oxxbb+Z/cThXoZHJzJXNNcDdrt5aqpHR0',
  },
  author: {
    $enc: 'v1',
    subject: 'ada',
    iv: 'YLzup3ssSQF23Nok',
    data: 'He8Lhsp5yvhkOYRQkMLM6uW5oFq2sYiOyAsCFvVLZYI5VoBcDCRodRa4AN1ACB8=',
  },
} as const

const v1Rows = [
  ...events('c1', 1, 1, {
    type: 'user/renamed',
    stream: 'users',
    payload: { userId: 'ada', name: V1.name, email: { $enc: 'v1', subject: 'ada', in: 'name' } },
  }),
  ...events('c1', 2, 1, {
    type: 'card/added',
    stream: 'cards',
    payload: { authorId: 'ada', author: V1.author, title: 'Difference engine notes' },
  }),
]
const bobsCard = events('c2', 1, 1, {
  type: 'card/added',
  stream: 'cards',
  payload: { authorId: 'bob', author: NAMES.bob, title: 'Sanitize inputs' },
})

describe.each([
  ['sqlite', () => sqliteStorage(':memory:')],
  ['memory', () => memoryStorage()],
])('envelopes (%s)', (_, make) => {
  it('reads rows sealed as v1 beside v2 ones, and forgets both', async () => {
    const storage = make()
    // The v1 rows as they lie in an old store: the payloads as sealed, the key in its table.
    const plain = createEventServer({ storage, authorize })
    await postOk(plain, batch('c1', v1Rows), as('bob'))
    await storage.append(async (tx) => tx.addSubjectKeys!('acme', new Map([['ada', KEY]])))
    const server = createEventServer({ storage, authorize, personal, onError: () => {} })
    await postOk(server, batch('c2', bobsCard), as('bob'))
    const stored = await storage.read({ after: 0, limit: 10, tenant: 'acme' })
    expect(stored.events[2]!.payload).toMatchObject({ author: { $enc: 'v2', subject: 'bob' } })
    const expected = [
      { userId: 'ada', name: NAMES.ada, email: EMAIL },
      { authorId: 'ada', author: NAMES.ada, title: 'Difference engine notes' },
      { authorId: 'bob', author: NAMES.bob, title: 'Sanitize inputs' },
    ]
    expect((await readAll(server, as('bob'))).events.map((e) => e.payload)).toEqual(expected)
    const forgot = await server.fetch(
      new Request(`${BASE}/subjects/ada/forget`, { method: 'POST', headers: as('root') }),
    )
    expect(forgot.status).toBe(200)
    const after = createEventServer({ storage, authorize, personal })
    const read = (await readAll(after, as('bob'))).events
    expect(read.filter((e) => e.type !== 'strata/subject-forgotten').map((e) => e.payload)).toEqual(
      [
        { userId: 'ada', name: { erased: true }, email: { erased: true } },
        { authorId: 'ada', author: { erased: true }, title: 'Difference engine notes' },
        expected[2],
      ],
    )
    await Promise.all([plain.close(), server.close(), after.close()])
    await storage.close()
  })
})

describe('AES-GCM envelopes, Node and Web Crypto', () => {
  const place = { tenant: 'acme', clientId: 'c1', eventId: 'e-1', field: 'name,email' }
  const values = [NAMES.ada, EMAIL]
  const implementations = [
    ['node', async (...a: Parameters<typeof web.open>) => sync!.open(...a)],
    ['web', web.open],
  ] as const

  it.each(implementations)('%s opens what either sealed, and v1 envelopes', async (_, open) => {
    const byNode = sync!.seal(KEY, 'ada', place, values)
    const byWeb = await web.seal(KEY, 'ada', place, values)
    expect(await open(KEY, place, byNode)).toEqual(values)
    expect(await open(KEY, place, byWeb)).toEqual(values)
    const v1Place = { tenant: 'acme', clientId: 'c1', eventId: 'c1-1', field: 'name,email' }
    expect(await open(KEY, v1Place, V1.name)).toEqual({ name: NAMES.ada, email: EMAIL })
  })

  it.each(implementations)(
    '%s opens nothing moved, relabelled or under another key',
    async (_, open) => {
      const sealed = sync!.seal(KEY, 'ada', place, values)
      const other = crypto.getRandomValues(new Uint8Array(32))
      const bytes = Buffer.from(sealed.data, 'base64')
      const asV1: Envelope = {
        $enc: 'v1',
        subject: 'ada',
        iv: bytes.subarray(0, 12).toString('base64'),
        data: bytes.subarray(12).toString('base64'),
      }
      for (const [key, where, envelope] of [
        [other, place, sealed],
        [KEY, { ...place, eventId: 'e-2' }, sealed],
        [KEY, { ...place, tenant: 'evil' }, sealed],
        [KEY, { ...place, clientId: 'c2' }, sealed],
        [KEY, { ...place, field: 'email,name' }, sealed],
        [KEY, place, asV1],
        [KEY, place, { ...sealed, data: sealed.data.slice(0, 20) }],
      ] as const) {
        expect(await open(key, where, envelope)).toBeUndefined()
      }
    },
  )

  it('never seals the same value twice alike (a new IV each time)', async () => {
    const seen = new Set<string>()
    for (let i = 0; i < 2000; i++) {
      const sealed =
        i % 2 ? await web.seal(KEY, 'ada', place, values) : sync!.seal(KEY, 'ada', place, values)
      seen.add(Buffer.from(sealed.data, 'base64').subarray(0, 12).toString('hex'))
    }
    expect(seen.size).toBe(2000)
  })
})
