import type { Commit, Storage, StoredEvent } from '@strata/state/server'
import { afterEach, describe, expect, it } from 'vitest'
import type { StorageFactory } from './suite'

export function stored(position: number, overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    position,
    tenantPosition: position,
    tenant: '',
    clientId: 'c1',
    clientSeq: position,
    id: `id-${position}`,
    stream: 's',
    streamVersion: position,
    type: 't',
    payload: { position, nested: { list: [1, 'two', null] } },
    at: 1000 + position,
    commandId: null,
    fingerprint: `f${position}`,
    ...overrides,
  }
}

export function storageContract(factory: StorageFactory) {
  describe('storage contract', () => {
    const open: Storage[] = []
    const make = async () => {
      const storage = await factory.make()
      open.push(storage)
      return storage
    }
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()))
    })

    it('stores events at dense positions and reads them back in order, as written', async () => {
      const storage = await make()
      await storage.append(async (tx) => {
        expect(await tx.head()).toBe(0)
        await tx.insertEvents([stored(1), stored(2), stored(3)])
      })
      const { events, head } = await storage.read({ after: 0, limit: 10 })
      expect(head).toBe(3)
      expect(events).toEqual([stored(1), stored(2), stored(3)])
      expect((await storage.read({ after: 1, limit: 1 })).events.map((e) => e.position)).toEqual([
        2,
      ])
      expect(await storage.head()).toBe(3)
    })

    it('an append that throws stores nothing of it', async () => {
      const storage = await make()
      await expect(
        storage.append(async (tx) => {
          await tx.insertEvents([stored(1)])
          await tx.insertRejections([
            {
              tenant: '',
              clientId: 'c1',
              clientSeq: 2,
              fingerprint: 'x',
              error: { code: 'invalid', message: 'no' },
            },
          ])
          await tx.saveClient({ clientId: 'c1', principalId: 'p', tenant: '', lastSeq: 2 })
          await tx.saveCheckpoint('v', { position: 1, state: 1 })
          throw new Error('boom')
        }),
      ).rejects.toThrow('boom')
      expect(await storage.head()).toBe(0)
      expect(
        (await storage.read({ after: 0, limit: 10, tenant: '', clientIds: ['c1'] })).clients,
      ).toEqual([])
      expect(await storage.loadCheckpoint('v')).toBeUndefined()
      await storage.append(async (tx) => expect(await tx.receipts('', 'c1', 1, 5)).toEqual([]))
    })

    it('keeps clients, receipts, stream versions and ids for the next append', async () => {
      const storage = await make()
      await storage.append(async (tx) => {
        await tx.insertEvents([stored(1), stored(2, { stream: 'b', streamVersion: 1 })])
        await tx.insertRejections([
          {
            tenant: '',
            clientId: 'c1',
            clientSeq: 3,
            fingerprint: 'f3',
            error: { code: 'invalid', message: 'bad', path: ['payload'] },
          },
        ])
        await tx.saveClient({ clientId: 'c1', principalId: 'p', tenant: '', lastSeq: 3 })
      })
      await storage.append(async (tx) => {
        expect(await tx.client('', 'c1')).toEqual({
          clientId: 'c1',
          principalId: 'p',
          tenant: '',
          lastSeq: 3,
        })
        expect(await tx.client('', 'nobody')).toBeUndefined()
        // Client ids are per tenant: another tenant's c1 is another client.
        expect(await tx.client('other-tenant', 'c1')).toBeUndefined()
        expect(await tx.receipts('other-tenant', 'c1', 1, 3)).toEqual([])
        const receipts = (await tx.receipts('', 'c1', 1, 3)).sort(
          (a, b) => a.clientSeq - b.clientSeq,
        )
        expect(receipts).toEqual([
          { clientSeq: 1, fingerprint: 'f1', position: 1, error: null },
          { clientSeq: 2, fingerprint: 'f2', position: 2, error: null },
          {
            clientSeq: 3,
            fingerprint: 'f3',
            position: null,
            error: { code: 'invalid', message: 'bad', path: ['payload'] },
          },
        ])
        expect(await tx.streamVersions('', ['s', 'b', 'none'])).toEqual(
          new Map([
            ['s', 1],
            ['b', 1],
          ]),
        )
        expect(await tx.streamVersions('other-tenant', ['s'])).toEqual(new Map())
        expect(await tx.existingIds('', 'c1', ['id-1', 'id-9', 'id-2'])).toEqual(
          new Map([
            ['id-1', 1],
            ['id-2', 2],
          ]),
        )
        expect(await tx.existingIds('', 'c2', ['id-1'])).toEqual(new Map())
        expect(await tx.existingIds('other-tenant', 'c1', ['id-1'])).toEqual(new Map())
      })
    })

    it('keeps event ids unique per client: another client may store the same id', async () => {
      const storage = await make()
      await storage.append(async (tx) => {
        await tx.insertEvents([
          stored(1, { clientId: 'c1', clientSeq: 1, id: 'same' }),
          stored(2, { clientId: 'c2', clientSeq: 1, id: 'same' }),
        ])
      })
      await storage.append(async (tx) => {
        // Each client sees only its own event with the id, at its own position.
        expect(await tx.existingIds('', 'c1', ['same', 'other'])).toEqual(new Map([['same', 1]]))
        expect(await tx.existingIds('', 'c2', ['same'])).toEqual(new Map([['same', 2]]))
        expect(await tx.existingIds('', 'c3', ['same'])).toEqual(new Map())
      })
      // The same client storing the id twice breaks the store's rule: the append fails whole.
      await expect(
        storage.append(async (tx) => {
          await tx.insertEvents([stored(3, { clientId: 'c3', clientSeq: 1 })])
          await tx.insertEvents([stored(4, { clientId: 'c1', clientSeq: 2, id: 'same' })])
        }),
      ).rejects.toThrow()
      const { events, head } = await storage.read({ after: 0, limit: 10 })
      expect(head).toBe(2)
      expect(events.map((e) => [e.clientId, e.id, e.position])).toEqual([
        ['c1', 'same', 1],
        ['c2', 'same', 2],
      ])
    })

    it("reads one tenant's events by tenant position, with its head and clients in the same snapshot", async () => {
      const storage = await make()
      await storage.append(async (tx) => {
        expect([await tx.tenantHead('a'), await tx.tenantHead('b')]).toEqual([0, 0])
        await tx.insertEvents([
          stored(1, { tenant: 'a', tenantPosition: 1 }),
          stored(2, { tenant: 'b', tenantPosition: 1, clientId: 'c2', clientSeq: 1 }),
          stored(3, { tenant: 'a', tenantPosition: 2, stream: 'x', streamVersion: 1 }),
        ])
        await tx.saveClient({ clientId: 'c1', principalId: 'p', tenant: 'a', lastSeq: 3 })
        await tx.saveClient({ clientId: 'c1', principalId: 'q', tenant: 'b', lastSeq: 1 })
      })
      const read = await storage.read({
        after: 0,
        limit: 10,
        tenant: 'a',
        clientIds: ['c1', 'nobody'],
      })
      expect(read.events.map((e) => [e.position, e.tenantPosition])).toEqual([
        [1, 1],
        [3, 2],
      ])
      expect(read.head).toBe(2)
      expect(read.clients).toEqual([{ clientId: 'c1', principalId: 'p', tenant: 'a', lastSeq: 3 }])
      expect(
        (await storage.read({ after: 1, limit: 10, tenant: 'a' })).events.map((e) => e.position),
      ).toEqual([3])
      expect(
        (await storage.read({ after: 0, limit: 10, tenant: 'a', streams: ['x'] })).events.map(
          (e) => e.position,
        ),
      ).toEqual([3])
      const b = await storage.read({ after: 0, limit: 10, tenant: 'b', clientIds: ['c1'] })
      expect([b.head, b.clients[0]?.principalId]).toEqual([1, 'q'])
      expect(await storage.read({ after: 0, limit: 10, tenant: 'none' })).toEqual({
        events: [],
        head: 0,
        clients: [],
      })
      // Without a tenant: every tenant's, in global order, with the global head.
      const all = await storage.read({ after: 1, limit: 10 })
      expect([all.events.map((e) => e.position), all.head]).toEqual([[2, 3], 3])
      expect([await storage.head(), await storage.head('a'), await storage.head('b')]).toEqual([
        3, 2, 1,
      ])
      await storage.append(async (tx) => {
        expect([await tx.head(), await tx.tenantHead('a'), await tx.tenantHead('c')]).toEqual([
          3, 2, 0,
        ])
        expect(
          (await tx.readEvents(0, 10, 'b')).map((e) => [e.position, e.tenantPosition]),
        ).toEqual([[2, 1]])
        expect((await tx.readEvents(1, 10)).map((e) => e.position)).toEqual([2, 3])
      })
    })

    it('maps a tenant position to the global one, and nothing for one not stored', async () => {
      const storage = await make()
      await storage.append(async (tx) => {
        await tx.insertEvents([
          stored(1, { tenant: 'b', tenantPosition: 1 }),
          stored(2, { tenant: 'a', tenantPosition: 1, clientSeq: 1, id: 'x' }),
        ])
      })
      expect(await storage.globalPosition('a', 1)).toBe(2)
      expect(await storage.globalPosition('b', 1)).toBe(1)
      expect(await storage.globalPosition('a', 0)).toBe(0)
      expect(await storage.globalPosition('a', 2)).toBeUndefined()
      expect(await storage.globalPosition('c', 1)).toBeUndefined()
    })

    it('refuses a tenant position that is not the next of its tenant', async () => {
      const storage = await make()
      await expect(
        storage.append(async (tx) => {
          await tx.insertEvents([
            stored(1, { tenant: 'a', tenantPosition: 1 }),
            stored(2, { tenant: 'a', tenantPosition: 1, clientSeq: 2, id: 'x' }),
          ])
        }),
      ).rejects.toThrow()
      expect(await storage.head()).toBe(0)
    })

    it('tells subscribers each commit after it, with the new head of each tenant it wrote', async () => {
      const storage = await make()
      const heard: Commit[] = []
      const unsubscribe = storage.subscribe((commit) => heard.push(commit))
      await storage.append(async (tx) => {
        await tx.insertEvents([
          stored(1, { tenant: 'a', tenantPosition: 1 }),
          stored(2, { tenant: 'b', tenantPosition: 1, clientSeq: 1, id: 'x' }),
          stored(3, { tenant: 'a', tenantPosition: 2 }),
        ])
        expect(heard).toEqual([])
      })
      await expect.poll(() => heard.at(-1)?.head).toBe(3)
      expect([...heard.at(-1)!.tenants!].sort()).toEqual([
        ['a', 2],
        ['b', 1],
      ])
      // An append that stores no event is no commit to hear of.
      await storage.append(async (tx) => {
        await tx.saveClient({ clientId: 'c', principalId: 'p', tenant: 'a', lastSeq: 1 })
      })
      await new Promise((r) => setTimeout(r, 20))
      expect(heard.filter((c) => c.tenants)).toHaveLength(1)
      unsubscribe()
    })

    it("keeps each tenant's checkpoint apart from the others' and from the one over all tenants", async () => {
      const storage = await make()
      expect(await storage.saveCheckpoint('v', null, { position: 1, state: 'a' }, 'a')).toBe(true)
      expect(await storage.saveCheckpoint('v', null, { position: 5, state: 'all' })).toBe(true)
      expect(await storage.saveCheckpoint('v', null, { position: 2, state: '' }, '')).toBe(true)
      expect(await storage.saveCheckpoint('v', 1, { position: 3, state: 'b' }, 'b')).toBe(false)
      expect(await storage.loadCheckpoint('v', 'a')).toEqual({ position: 1, state: 'a' })
      expect(await storage.loadCheckpoint('v')).toEqual({ position: 5, state: 'all' })
      expect(await storage.loadCheckpoint('v', '')).toEqual({ position: 2, state: '' })
      expect(await storage.loadCheckpoint('v', 'b')).toBeUndefined()
      // A tenant named like a scope marker is still only that tenant.
      expect(await storage.loadCheckpoint('v', 'all')).toBeUndefined()
      await storage.append(async (tx) => {
        expect(await tx.loadCheckpoint('v', 'a')).toEqual({ position: 1, state: 'a' })
        await tx.saveCheckpoint('v', { position: 2, state: 'a2' }, 'a')
      })
      expect(await storage.loadCheckpoint('v', 'a')).toEqual({ position: 2, state: 'a2' })
      expect(await storage.loadCheckpoint('v')).toEqual({ position: 5, state: 'all' })
    })

    it('saves checkpoints compare-and-set', async () => {
      const storage = await make()
      expect(await storage.saveCheckpoint('v', null, { position: 1, state: { a: 1 } })).toBe(true)
      expect(await storage.saveCheckpoint('v', null, { position: 2, state: { a: 2 } })).toBe(false)
      expect(await storage.saveCheckpoint('v', 0, { position: 2, state: { a: 2 } })).toBe(false)
      expect(await storage.saveCheckpoint('v', 1, { position: 2, state: { a: 2 } })).toBe(true)
      expect(await storage.loadCheckpoint('v')).toEqual({ position: 2, state: { a: 2 } })
      await storage.append(async (tx) => {
        expect(await tx.loadCheckpoint('v')).toEqual({ position: 2, state: { a: 2 } })
        await tx.saveCheckpoint('v', { position: 3, state: [1] })
      })
      expect(await storage.loadCheckpoint('v')).toEqual({ position: 3, state: [1] })
    })

    it('keeps a throwing append out of the others that run with it', async () => {
      const storage = await make()
      const results = await Promise.allSettled(
        [1, 2, 3, 4, 5].map((n) =>
          storage.append(async (tx) => {
            const head = await tx.head()
            await tx.insertEvents([
              stored(head + 1, { clientId: `c${n}`, clientSeq: 1, streamVersion: head + 1 }),
            ])
            await tx.saveClient({ clientId: `c${n}`, principalId: 'p', tenant: '', lastSeq: 1 })
            if (n === 3) throw new Error('three fails after its writes')
            return n
          }),
        ),
      )
      expect(results.map((r) => r.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ])
      const { events, clients } = await storage.read({
        after: 0,
        limit: 10,
        tenant: '',
        clientIds: ['c1', 'c2', 'c3', 'c4', 'c5'],
      })
      // Dense positions; the order among concurrent appends is the adapter's (PostgreSQL's
      // connections race for the lock).
      expect(events.map((e) => e.position)).toEqual([1, 2, 3, 4])
      expect(events.map((e) => e.clientId).sort()).toEqual(['c1', 'c2', 'c4', 'c5'])
      expect(clients.map((c) => c.clientId).sort()).toEqual(['c1', 'c2', 'c4', 'c5'])
    })

    it('runs concurrent appends one at a time, so heads never collide', async () => {
      const storage = await make()
      await Promise.all(
        Array.from({ length: 8 }, () =>
          storage.append(async (tx) => {
            const head = await tx.head()
            await new Promise((r) => setTimeout(r, 1))
            await tx.insertEvents([
              stored(head + 1, { clientSeq: head + 1, streamVersion: head + 1 }),
            ])
          }),
        ),
      )
      const { events } = await storage.read({ after: 0, limit: 100 })
      expect(events.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    })
  })
}
