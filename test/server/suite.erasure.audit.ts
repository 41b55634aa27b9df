import { describe, expect, it } from 'vitest'
import { readUntil } from './attack'
import { people, personal } from './erasureFixtures'
import { BASE, batch, events, get, postOk } from './helpers'
import type { StorageFactory } from './suite'
import { as, authorize, serverStarter } from './suite.server.setup'

const forget = (server: { fetch(r: Request): Promise<Response> }, subject: string) =>
  server
    .fetch(
      new Request(`${BASE}/subjects/${subject}/forget`, { method: 'POST', headers: as('root') }),
    )
    .then((r) => r.json() as Promise<{ token: string }>)

const stream = async (server: { fetch(r: Request): Promise<Response> }, user: string) => {
  const response = await server.fetch(
    new Request(`${BASE}/events/stream?after=v1:0`, { headers: as(user) }),
  )
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  await readUntil(reader, 'retry:')
  return reader
}

const shape = (event: object) =>
  Object.fromEntries(
    Object.entries(event)
      .map(([k, v]) => [k, v === null ? 'null' : typeof v])
      .sort(),
  )

/** The audit event of a forget is written as any append writes a batch, and looks like one. */
export function erasureAuditContract(factory: StorageFactory) {
  describe('erasure: the audit event', () => {
    const start = serverStarter(factory)

    it('is stored as an append stores an event: next positions, stream version, fingerprint', async () => {
      const { server, storage } = await start({ authorize, personal })
      await postOk(server, batch('c1', people('c1')), as('bob'))
      await postOk(server, batch('e1', events('e1', 1, 2)), as('eve'))
      expect((await forget(server, 'ada')).token).toBe('v1:4')
      await postOk(server, batch('c1', events('c1', 4, 1)), as('bob'))
      expect((await forget(server, 'bob')).token).toBe('v1:6')
      const stored = (await storage.read({ after: 0, limit: 20 })).events
      expect(stored.map((e) => [e.position, e.tenant, e.tenantPosition, e.clientId])).toEqual([
        [1, 'acme', 1, 'c1'],
        [2, 'acme', 2, 'c1'],
        [3, 'acme', 3, 'c1'],
        [4, 'evil', 1, 'e1'],
        [5, 'evil', 2, 'e1'],
        [6, 'acme', 4, 'strata server'],
        [7, 'acme', 5, 'c1'],
        [8, 'acme', 6, 'strata server'],
      ])
      const [first, second] = stored.filter((e) => e.clientId === 'strata server')
      expect([first!.streamVersion, second!.streamVersion]).toEqual([1, 2])
      expect([first!.clientSeq, second!.clientSeq]).toEqual([1, 2])
      // The same fields, of the same kinds, as a client's event; the fingerprint of the same form.
      expect(shape(first!)).toEqual(shape(stored[6]!))
      expect(first!.fingerprint).toMatch(/^[\w+/=-]+$/)
      expect(first!.fingerprint.length).toBe(stored[6]!.fingerprint.length)
      expect(first!.fingerprint).not.toBe(second!.fingerprint)
      // Read back over the wire, it is an event like the others.
      const read = (await get(server, '/events?after=v1:3', as('bob'))).body.events
      expect(shape(read[0])).toEqual(shape(read[1]))
      expect(read.map((e: { position: string }) => e.position)).toEqual(['v1:4', 'v1:5', 'v1:6'])
    })

    it("wakes the tenant's long polls and event streams, and no other tenant's", async () => {
      const { server } = await start({ authorize, personal })
      await postOk(server, batch('c1', people('c1')), as('bob'))
      const own = get(server, '/events?after=v1:3&wait=30000', as('bob'))
      const other = get(server, '/events?after=v1:0&wait=30000', as('eve'))
      const ownStream = await stream(server, 'bob')
      expect(await readUntil(ownStream, '"v1:3"')).toContain('event: poke')
      const otherStream = await stream(server, 'eve')
      await new Promise((r) => setTimeout(r, 20))
      await forget(server, 'ada')
      const woken = (await own).body
      expect(woken.events.map((e: { type: string }) => e.type)).toEqual([
        'strata/subject-forgotten',
      ])
      expect(woken.token).toBe('v1:4')
      expect(await readUntil(ownStream, '"v1:4"')).toContain('data: {"head":"v1:4"}')
      // Eve's poll and stream sleep through it: the first thing they hear is her own write.
      await postOk(server, batch('e1', events('e1', 1, 1)), as('eve'))
      expect((await other).body.events.map((e: { clientId: string }) => e.clientId)).toEqual(['e1'])
      const heard = await readUntil(otherStream, '"v1:1"')
      expect(heard.match(/event: poke/g)).toEqual(['event: poke'])
      await ownStream.cancel()
      await otherStream.cancel()
    })
  })
}
