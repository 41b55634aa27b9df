import { describe, expect, it } from 'vitest'
import { as, forget, start, withAdmins } from './attack'
import { NAMES, people, personal } from './erasureFixtures'
import { batch } from './helpers'

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
