import { ERASURE_STREAM, FORGOTTEN_TYPE, memoryStorage, sqliteStorage } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { as, forget, start, withAdmins } from './attack'
import { NAMES, people, personal } from './erasureFixtures'
import { batch, events } from './helpers'

describe('attacks on erasure over real HTTP', () => {
  it('a principal that is no admin cannot forget, whatever it sends', async () => {
    const { url } = await start({ authorize: withAdmins, personal })
    await as(url, 'bob@acme').post(batch('c1', people('c1')))
    for (const who of ['bob@acme', undefined, 'admin@acme']) {
      const answer = await forget(url, 'ada', who)
      expect(answer.status).toBe(who ? 403 : 401)
    }
    const read = await as(url, 'bob@acme').get('/events?after=v1:0')
    expect(read.body.events[0].payload.name).toBe(NAMES.ada)
  })

  it("another tenant's admin can neither forget nor probe a subject here: it answers as for nobody", async () => {
    const { url } = await start({ authorize: withAdmins, personal })
    await as(url, 'bob@acme').post(batch('c1', people('c1')))
    const probe = await forget(url, 'ada', 'root@evil')
    const nobody = await forget(url, 'zed', 'root@evil')
    expect(probe.status).toBe(nobody.status)
    expect({ ...probe.body, subject: '' }).toEqual({
      ...nobody.body,
      subject: '',
      token: probe.body.token,
    })
    const read = await as(url, 'bob@acme').get('/events?after=v1:0')
    expect(read.body.events.map((e: any) => e.payload.name ?? e.payload.author)).toEqual([
      NAMES.ada,
      NAMES.ada,
      NAMES.bob,
    ])
    // And evil's log holds only its own two audit events, none of acme's.
    const evil = await as(url, 'eve@evil').get('/events?after=v1:0')
    expect(evil.body.events.map((e: any) => e.payload.subject)).toEqual(['ada', 'zed'])
  })

  it('a client cannot pass off an erasure: events under the server client id are refused', async () => {
    const { url } = await start({ authorize: withAdmins, personal })
    const forged = await as(url, 'bob@acme').post({
      protocol: 1,
      clientId: 'strata server',
      events: [],
    })
    expect(forged.status).toBe(400)
  })
})

describe('the erasure stream is the server’s', () => {
  it.each([
    ['memory', () => memoryStorage()],
    ['sqlite', () => sqliteStorage(':memory:')],
  ])(
    'no client writes an event under $strata/ on %s (it counts erasures: a save check, the cache)',
    async (_, make) => {
      const storage = make()
      const { url } = await start({ storage, authorize: withAdmins, personal })
      await as(url, 'bob@acme').post(batch('c1', people('c1')))
      const forged = [
        {
          stream: ERASURE_STREAM,
          type: FORGOTTEN_TYPE,
          payload: { subject: 'bob', by: 'root', at: 1 },
        },
        { stream: ERASURE_STREAM, type: 'anything', payload: {} },
        { stream: '$strata/other', type: 'anything', payload: {} },
        // The audit's type on an ordinary stream: a replay would report it as an erasure.
        { stream: 'people', type: FORGOTTEN_TYPE, payload: { subject: 'bob', by: 'x', at: 1 } },
      ]
      for (const who of ['mallory@acme', 'root@acme']) {
        const answer = await as(url, who).post(
          batch(
            `m${who.length}`,
            forged.map((e, i) => ({ ...events('m', i + 1, 1)[0], ...e })),
          ),
        )
        expect(answer.status).toBe(200)
        expect(answer.body.results.map((r: any) => [r.status, r.error?.code])).toEqual(
          forged.map(() => ['rejected', 'forbidden']),
        )
        expect(answer.body.results.at(-1).error.message).toMatch(/server’s own/)
      }
      expect(await storage.erasures!('acme')).toBe(0)
      const read = await as(url, 'bob@acme').get('/events?after=v1:0')
      expect([read.body.head, read.body.events.length]).toEqual(['v1:3', 3])
      // The server's own audit event still goes there, and counts.
      expect((await forget(url, 'ada', 'root@acme')).body.token).toBe('v1:4')
      expect(await storage.erasures!('acme')).toBe(1)
    },
  )
})
