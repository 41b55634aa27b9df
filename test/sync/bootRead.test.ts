import 'fake-indexeddb/auto'
import { IDBDatabase as FakeDatabase } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { browser, seed, storedSnapshot, testServer } from './history.helpers'

// A reload reads this device's snapshot in the outbox's first transaction, with the clientId, not
// in one of its own after it: in Chromium that is the tail's request leaving ~1.5 ms sooner.

/** The stores of every transaction the profile's databases open while `run` runs. */
async function scopesDuring(run: () => Promise<void>): Promise<string[][]> {
  const scopes: string[][] = []
  const transaction = FakeDatabase.prototype.transaction
  FakeDatabase.prototype.transaction = function (
    this: IDBDatabase,
    ...args: Parameters<IDBDatabase['transaction']>
  ) {
    scopes.push(typeof args[0] === 'string' ? [args[0]] : [...args[0]])
    return transaction.apply(this, args as never)
  }
  try {
    await run()
  } finally {
    FakeDatabase.prototype.transaction = transaction
  }
  return scopes
}

describe('a reload from this device’s snapshot', () => {
  for (const version of ['', 'v2']) {
    it(`reads the snapshot with the clientId, in one transaction (version ${JSON.stringify(version)})`, async () => {
      const server = testServer()
      await seed(server, 1200)
      const tab = browser(server)
      const first = tab({ version })
      await first.sync.pull()
      await first.sync.close()
      expect(await storedSnapshot(tab.indexedDB, version)).toMatchObject({ position: 'v1:1200' })
      await seed(server, 5, { from: 1201 })
      let second: ReturnType<typeof tab> | undefined
      const scopes = await scopesDuring(async () => {
        second = tab({ version })
        await second.sync.ready
      })
      expect(scopes[0]).toEqual(['meta', 'snapshots'])
      expect(scopes.filter((s) => s.includes('snapshots'))).toHaveLength(1)
      expect(second!.sync.getSnapshot().boot).toBe('local-snapshot')
      await second!.sync.pull()
      expect(second!.store.getState()).toEqual({ a: 1205 })
    })
  }

  it('of another version: ignored with one warning, the events folded instead', async () => {
    const server = testServer()
    await seed(server, 1200)
    const tab = browser(server)
    const first = tab({ version: 'v1' })
    await first.sync.pull()
    await first.sync.close()
    const { vi } = await import('vitest')
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const second = tab({ version: 'v2' })
      await second.sync.pull()
      expect(warn).toHaveBeenCalledTimes(1)
      expect(String(warn.mock.calls[0]![0])).toMatch(/Ignored this device's snapshot/)
      expect(second.sync.getSnapshot().boot).toBe('events')
      expect(second.store.getState()).toEqual({ a: 1200 })
    } finally {
      warn.mockRestore()
    }
  })
})
