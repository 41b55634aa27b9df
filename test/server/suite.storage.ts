import type { Storage, StoredEvent } from '@strata/state/server'
import { afterEach, describe, expect, it } from 'vitest'
import type { StorageFactory } from './suite'

export function stored(position: number, overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    position,
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
      expect((await storage.read({ after: 0, limit: 10, clientId: 'c1' })).client).toBeUndefined()
      expect(await storage.loadCheckpoint('v')).toBeUndefined()
      await storage.append(async (tx) => expect(await tx.receipts('c1', 1, 5)).toEqual([]))
    })

    it('keeps clients, receipts, stream versions and ids for the next append', async () => {
      const storage = await make()
      await storage.append(async (tx) => {
        await tx.insertEvents([stored(1), stored(2, { stream: 'b', streamVersion: 1 })])
        await tx.insertRejections([
          {
            clientId: 'c1',
            clientSeq: 3,
            fingerprint: 'f3',
            error: { code: 'invalid', message: 'bad', path: ['payload'] },
          },
        ])
        await tx.saveClient({ clientId: 'c1', principalId: 'p', tenant: '', lastSeq: 3 })
      })
      await storage.append(async (tx) => {
        expect(await tx.client('c1')).toEqual({
          clientId: 'c1',
          principalId: 'p',
          tenant: '',
          lastSeq: 3,
        })
        expect(await tx.client('nobody')).toBeUndefined()
        const receipts = (await tx.receipts('c1', 1, 3)).sort((a, b) => a.clientSeq - b.clientSeq)
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
        expect(await tx.existingIds('c1', ['id-1', 'id-9', 'id-2'])).toEqual(
          new Map([
            ['id-1', 1],
            ['id-2', 2],
          ]),
        )
        expect(await tx.existingIds('c2', ['id-1'])).toEqual(new Map())
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
        expect(await tx.existingIds('c1', ['same', 'other'])).toEqual(new Map([['same', 1]]))
        expect(await tx.existingIds('c2', ['same'])).toEqual(new Map([['same', 2]]))
        expect(await tx.existingIds('c3', ['same'])).toEqual(new Map())
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

    it('reads the head and a client in the same snapshot, filtered by tenant and stream', async () => {
      const storage = await make()
      await storage.append(async (tx) => {
        await tx.insertEvents([
          stored(1, { tenant: 'a' }),
          stored(2, { tenant: 'b', clientId: 'c2', clientSeq: 1 }),
          stored(3, { tenant: 'a', stream: 'x', streamVersion: 1 }),
        ])
        await tx.saveClient({ clientId: 'c1', principalId: 'p', tenant: 'a', lastSeq: 3 })
      })
      const read = await storage.read({ after: 0, limit: 10, tenant: 'a', clientId: 'c1' })
      expect(read.events.map((e) => e.position)).toEqual([1, 3])
      expect(read.head).toBe(3)
      expect(read.client?.lastSeq).toBe(3)
      expect(
        (await storage.read({ after: 0, limit: 10, tenant: 'a', streams: ['x'] })).events.map(
          (e) => e.position,
        ),
      ).toEqual([3])
      expect((await storage.read({ after: 0, limit: 10 })).events).toHaveLength(3)
    })

    it('tells subscribers the new head after commit', async () => {
      const storage = await make()
      const heard: number[] = []
      const unsubscribe = storage.subscribe((head) => heard.push(head))
      await storage.append(async (tx) => {
        await tx.insertEvents([stored(1), stored(2)])
        expect(heard).toEqual([])
      })
      await expect.poll(() => heard.at(-1)).toBe(2)
      unsubscribe()
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
