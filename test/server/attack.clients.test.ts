// Client ids over real HTTP: another principal can neither write under one (hijack), claim one
// before its owner uses it (squat), nor tell whether one exists (probe).
import { describe, expect, it } from 'vitest'
import { as, start } from './attack'
import { batch, events } from './helpers'

describe('client ids belong to the principal that first stored under them', () => {
  it('refuses a hijack by another principal of the tenant; the owner syncs on', async () => {
    const { url } = await start()
    const alice = as(url, 'alice@acme')
    const bob = as(url, 'bob@acme')
    await alice.post(batch('victim', events('victim', 1, 2)))
    // The id is on every event the tenant reads; its lastSeq is not bob's to learn.
    const listed = await bob.get('/events')
    expect(listed.body.events.map((e: any) => e.clientId)).toEqual(['victim', 'victim'])
    expect((await bob.get('/events?clientId=victim')).body.lastSeq).toBe(0)
    for (let seq = 1; seq <= 5; seq++) {
      const stolen = await bob.post(batch('victim', events('victim', seq, 1, { id: `bob-${seq}` })))
      expect([stolen.status, stolen.body.error.code, stolen.body.error.path]).toEqual([
        403,
        'forbidden',
        ['clientId'],
      ])
    }
    // Nothing of bob's is stored, and alice's next event is applied: her sync does not stop.
    const next = await alice.post(batch('victim', events('victim', 3, 1)))
    expect(next.body.results).toEqual([{ clientSeq: 3, status: 'applied', position: 'v1:3' }])
    expect((await alice.get('/events?clientId=victim')).body.lastSeq).toBe(3)
    expect((await bob.get('/events')).body.events.map((e: any) => e.id)).toEqual([
      'victim-1',
      'victim-2',
      'victim-3',
    ])
  })

  it('gives another tenant its own client under the same id, touching nothing of the owner', async () => {
    const { url } = await start()
    const alice = as(url, 'alice@acme')
    const eve = as(url, 'eve@evil')
    await alice.post(batch('victim', events('victim', 1, 2)))
    // Even alice's event ids: another client's (and tenant's) ids are not duplicates.
    const mine = await eve.post(batch('victim', events('victim', 1, 1)))
    expect(mine.body.results).toEqual([{ clientSeq: 1, status: 'applied', position: 'v1:1' }])
    expect((await alice.post(batch('victim', events('victim', 3, 1)))).body.results[0].status).toBe(
      'applied',
    )
    expect((await alice.get('/events?clientId=victim')).body).toMatchObject({
      lastSeq: 3,
      head: 'v1:3',
    })
    expect((await eve.get('/events')).body.events.map((e: any) => e.payload)).toEqual([{ n: 1 }])
  })

  it('lets nobody squat an id: an empty batch creates nothing, and another tenant’s use claims nothing here', async () => {
    const { url } = await start()
    const alice = as(url, 'alice@acme')
    const bob = as(url, 'bob@acme')
    const eve = as(url, 'eve@evil')
    // Empty batches in a loop, from the same tenant and another: no client appears.
    for (let i = 0; i < 20; i++) {
      expect((await bob.post(batch('future', []))).body.lastSeq).toBe(0)
      expect((await eve.post(batch('future', []))).body.lastSeq).toBe(0)
    }
    await eve.post(batch('future', events('future', 1, 2)))
    // Alice is the first of her tenant to store under it: it is hers, from seq 1.
    const first = await alice.post(batch('future', events('future', 1, 1)))
    expect(first.body).toMatchObject({ lastSeq: 1, results: [{ status: 'applied' }] })
    expect((await bob.post(batch('future', events('future', 2, 1)))).status).toBe(403)
  })

  it('answers a probe for an id the same whether it exists or not', async () => {
    const { url } = await start()
    const alice = as(url, 'alice@acme')
    await alice.post(batch('acme-client', events('acme-client', 1, 4)))
    await as(url, 'bob@acme').post(batch('bob-client', events('bob-client', 1, 1)))
    const probe = async (who: string, id: string) => {
      const caller = as(url, who)
      const read = await caller.get(`/events?clientId=${id}`)
      const empty = await caller.post(batch(id, []))
      return { read: [read.status, read.body], empty: [empty.status, empty.body] }
    }
    for (const who of ['eve@evil', 'mallory@acme']) {
      const unknown = await probe(who, 'no-such-client')
      expect(await probe(who, 'acme-client')).toEqual(unknown)
      expect(await probe(who, 'bob-client')).toEqual(unknown)
      expect(unknown.read).toEqual([200, expect.objectContaining({ lastSeq: 0 })])
    }
    // Another tenant's first write under a used id is answered as under a fresh one.
    const eve = as(url, 'eve@evil')
    const taken = await eve.post(batch('acme-client', events('x', 1, 1)))
    const fresh = await eve.post(batch('fresh-client', events('y', 1, 1)))
    expect([taken.status, taken.body.lastSeq, taken.body.results[0].status]).toEqual([
      fresh.status,
      fresh.body.lastSeq,
      fresh.body.results[0].status,
    ])
  })
})
