import { describe, expect, it } from 'vitest'
import {
  authors,
  boardSnapshot,
  EMAIL,
  inlineAuthors,
  NAMES,
  people,
  personal,
} from './erasureFixtures'
import { BASE, batch, events, get, postOk, readAll } from './helpers'
import type { StorageFactory } from './suite'
import { as, authorize, serverStarter } from './suite.server.setup'

const forget = async (
  server: { fetch(r: Request): Promise<Response> },
  subject: string,
  headers: Record<string, string>,
) => {
  const response = await server.fetch(
    new Request(`${BASE}/subjects/${encodeURIComponent(subject)}/forget`, {
      method: 'POST',
      headers,
    }),
  )
  return { status: response.status, body: (await response.json()) as any }
}

const payloads = (list: { type: string; payload: unknown }[]) =>
  list.filter((e) => e.type !== 'strata/subject-forgotten').map((e) => e.payload)

export function erasureContract(factory: StorageFactory) {
  describe('erasure', () => {
    const start = serverStarter(factory)
    const options = {
      authorize,
      personal,
      projections: [authors, inlineAuthors],
      snapshots: [boardSnapshot],
    }

    it('stores personal fields sealed with the subject key and reads them opened', async () => {
      const { server, storage } = await start(options)
      await postOk(server, batch('c1', people('c1')), as('bob'))
      const stored = await storage.read({ after: 0, limit: 10, tenant: 'acme' })
      const text = JSON.stringify(stored.events)
      expect(text).not.toContain('Lovelace')
      expect(text).not.toContain(EMAIL)
      expect(stored.events[0]!.payload).toMatchObject({
        userId: 'ada',
        name: { $enc: 'v2', subject: 'ada' },
        email: { $enc: 'v2' },
      })
      expect(payloads((await readAll(server, as('bob'))).events)).toEqual([
        { userId: 'ada', name: NAMES.ada, email: EMAIL },
        { authorId: 'ada', author: NAMES.ada, title: 'Difference engine notes' },
        { authorId: 'bob', author: NAMES.bob, title: 'Sanitize inputs' },
      ])
    })

    it('forgets a subject: its fields read as { erased: true }, nothing else changes, the log says so', async () => {
      const { server } = await start(options)
      await postOk(server, batch('c1', people('c1')), as('bob'))
      const answer = await forget(server, 'ada', as('root'))
      expect(answer).toEqual({
        status: 200,
        body: { protocol: 1, subject: 'ada', token: 'v1:4' },
      })
      const { events: read } = await readAll(server, as('bob'))
      expect(payloads(read)).toEqual([
        { userId: 'ada', name: { erased: true }, email: { erased: true } },
        { authorId: 'ada', author: { erased: true }, title: 'Difference engine notes' },
        { authorId: 'bob', author: NAMES.bob, title: 'Sanitize inputs' },
      ])
      const audit = read.at(-1)!
      expect(audit).toMatchObject({
        clientId: 'strata server',
        stream: '$strata/erasure',
        type: 'strata/subject-forgotten',
        position: 'v1:4',
        payload: { subject: 'ada', by: 'root' },
      })
      expect(typeof (audit.payload as any).at).toBe('number')
      // A reader of some streams hears of it too.
      const some = await get(server, '/events?after=v1:0&stream=cards', as('bob'))
      expect(some.body.events.map((e: { type: string }) => e.type)).toEqual([
        'card/added',
        'card/added',
        'strata/subject-forgotten',
      ])
      // Alice may not read '$strata/erasure' by name, but hears of the erasure all the same.
      expect((await readAll(server, as('alice'))).events.at(-1)!.type).toBe(
        'strata/subject-forgotten',
      )
    })

    it('folds projections (inline and async) and snapshots again without the fields', async () => {
      const { server } = await start(options)
      const { token } = await postOk(server, batch('c1', people('c1')), as('bob'))
      const view = (name: string, min: string) =>
        get(server, `/views/${name}`, { ...as('bob'), 'X-Min-Position': min })
      expect((await view('authors', token)).body.names).toContain(NAMES.ada)
      expect((await get(server, '/snapshots/board', as('bob'))).body.position).toBe('v1:3')
      const { body } = await forget(server, 'ada', as('root'))
      for (const name of ['authors', 'authors-inline']) {
        expect((await view(name, body.token)).body).toEqual({
          names: ['(erased)', '(erased)', NAMES.bob],
        })
      }
      const snapshot = await get(server, '/snapshots/board', as('bob'))
      expect(snapshot.body.position).toBe('v1:4')
      expect(JSON.stringify(snapshot.body.state)).not.toContain('Lovelace')
      expect(JSON.stringify(snapshot.body.state)).toContain('(erased)')
    })

    it('answers a retry of a batch sent before the erasure as a duplicate', async () => {
      const { server } = await start(options)
      const sent = batch('c1', people('c1'))
      await postOk(server, sent, as('bob'))
      await forget(server, 'ada', as('root'))
      const again = await postOk(server, sent, as('bob'))
      expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate'])
    })

    it('keeps a forgotten subject forgotten: events naming it later are stored erased', async () => {
      const { server, storage } = await start(options)
      await postOk(server, batch('c1', people('c1')), as('bob'))
      await forget(server, 'ada', as('root'))
      // An offline client's events, decided before the erasure, sent after it.
      await postOk(server, batch('c1', people('c1', 4)), as('bob'))
      const read = payloads((await readAll(server, as('bob'))).events)
      expect(read[3]).toEqual({ userId: 'ada', name: { erased: true }, email: { erased: true } })
      expect(read[5]).toMatchObject({ author: NAMES.bob })
      const stored = await storage.read({ after: 0, limit: 20, tenant: 'acme' })
      expect(JSON.stringify(stored.events)).not.toContain('Lovelace')
    })

    it('keeps a subject forgotten before it had any event forgotten, in its tenant only', async () => {
      const { server, storage } = await start(options)
      // Forgotten first (a person who asked before their offline device synced): a tombstone.
      await forget(server, 'ada', as('root'))
      await postOk(server, batch('c1', people('c1')), as('bob'))
      await postOk(server, batch('e1', people('e1')), as('eve'))
      const acme = payloads((await readAll(server, as('bob'))).events)
      expect(acme.slice(0, 2)).toEqual([
        { userId: 'ada', name: { erased: true }, email: { erased: true } },
        { authorId: 'ada', author: { erased: true }, title: 'Difference engine notes' },
      ])
      expect(acme[2]).toMatchObject({ author: NAMES.bob })
      const stored = await storage.read({ after: 0, limit: 20, tenant: 'acme' })
      expect(JSON.stringify(stored.events)).not.toContain('Lovelace')
      // Ada of another tenant is another person: not forgotten there.
      expect(payloads((await readAll(server, as('eve'))).events)[0]).toMatchObject({
        name: NAMES.ada,
      })
    })

    it("records a forget's later steps as due from the key's deletion until done, per tenant", async () => {
      const { server, storage } = await start(options)
      await postOk(server, batch('c1', people('c1')), as('bob'))
      await postOk(server, batch('e1', people('e1')), as('eve'))
      const due = (tenant: string, subject: string) =>
        storage.append(async (tx) => tx.forgetDue!(tenant, subject))
      // Deleted with the key, in the same transaction; a subject never seen leaves none due.
      const inTx = await storage.append(async (tx) => {
        await tx.deleteSubjectKey!('acme', 'ada')
        await tx.deleteSubjectKey!('acme', 'nobody')
        return [await tx.forgetDue!('acme', 'ada'), await tx.forgetDue!('acme', 'nobody')]
      })
      expect(inTx).toEqual([true, false])
      expect(await due('acme', 'ada')).toBe(true)
      expect(await due('evil', 'ada')).toBe(false)
      // A second delete (a repeat: no key left) keeps it due; done clears it for that tenant only.
      await storage.append(async (tx) => tx.deleteSubjectKey!('acme', 'ada'))
      expect(await due('acme', 'ada')).toBe(true)
      await storage.append(async (tx) => tx.deleteSubjectKey!('evil', 'ada'))
      await storage.forgetDone!('acme', 'ada')
      expect([await due('acme', 'ada'), await due('evil', 'ada')]).toEqual([false, true])
      // Done stays done when deleted again (nothing to delete then).
      await storage.append(async (tx) => tx.deleteSubjectKey!('acme', 'ada'))
      expect(await due('acme', 'ada')).toBe(false)
      // The server's forget finishes it.
      expect((await forget(server, 'ada', as('mallory'))).status).toBe(200)
      expect(await due('evil', 'ada')).toBe(false)
    })

    it('lets only admins forget, and only subjects of their own tenant, answering alike', async () => {
      const { server } = await start(options)
      await postOk(server, batch('c1', people('c1')), as('bob'))
      expect((await forget(server, 'ada', as('bob'))).status).toBe(403)
      expect((await forget(server, 'ada', {})).status).toBe(401)
      // Mallory is an admin of another tenant: ada there is nobody, and the answer looks so.
      const probe = await forget(server, 'ada', as('mallory'))
      const nobody = await forget(server, 'nobody-at-all', as('mallory'))
      expect(probe.status).toBe(200)
      expect(Object.keys(probe.body)).toEqual(Object.keys(nobody.body))
      expect(probe.body.token).toBe('v1:1')
      expect(nobody.body.token).toBe('v1:2')
      expect(payloads((await readAll(server, as('bob'))).events)[0]).toMatchObject({
        name: NAMES.ada,
      })
      expect((await readAll(server, as('eve'))).events.map((e) => e.clientId)).toEqual([
        'strata server',
        'strata server',
      ])
    })

    it('refuses a bad subject and other methods with typed errors', async () => {
      const { server } = await start(options)
      const long = await forget(server, 'x'.repeat(600), as('root'))
      expect(long.status).toBe(400)
      expect(long.body.error.code).toBe('bad_request')
      const wrong = await server.fetch(
        new Request(`${BASE}/subjects/ada/forget`, { headers: as('root') }),
      )
      expect(wrong.status).toBe(405)
    })

    it('leaves events without personal fields and servers without `personal` as they were', async () => {
      const { server, storage } = await start({ authorize })
      await postOk(server, batch('c1', events('c1', 1, 2)), as('bob'))
      await postOk(server, batch('c2', people('c2')), as('bob'))
      const stored = await storage.read({ after: 0, limit: 10, tenant: 'acme' })
      expect(JSON.stringify(stored.events)).toContain('Lovelace')
      expect((await forget(server, 'ada', as('root'))).status).toBe(200)
      expect(JSON.stringify((await readAll(server, as('bob'))).events)).toContain('Lovelace')
    })
  })
}
