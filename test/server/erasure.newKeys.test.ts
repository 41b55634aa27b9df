// An append's new subject keys are made from one call into the random source (personal.ts,
// newKeys): each must still be a key of its own (its own 32 bytes, not a view of the bytes
// shared and zeroed once copied), none alike, and each must open its subject's fields, on every
// store, by the server that made them and by one that reads them from the store.
import { createEventServer } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { attackStores } from './attack'
import { events, postOk, readAll } from './helpers'

const personal = { 'user/renamed': { subject: (p: any) => p.userId, fields: ['name'] } }
const SUBJECTS = Array.from({ length: 2100 }, (_, i) => `user-${i}`)

describe.each(attackStores())('new subject keys on %s', (_, _sql, make) => {
  it('are each their own bytes, none alike, and open their fields (more than a chunk of them)', async () => {
    const storage = await make()
    const server = createEventServer({ storage, personal })
    // 2,100 new subjects in batches of 700: past the 2,048 keys one random fill makes.
    const all = SUBJECTS.map((userId, i) => ({
      ...events('c1', i + 1, 1, { type: 'user/renamed', stream: 'users' })[0]!,
      payload: { userId, name: `Name of ${userId}` },
    }))
    for (let from = 0; from < all.length; from += 700)
      await postOk(server, { protocol: 1, clientId: 'c1', events: all.slice(from, from + 700) })
    const keys = await storage.subjectKeys!('', SUBJECTS)
    expect(keys.size).toBe(SUBJECTS.length)
    const seen = new Set<string>()
    for (const key of keys.values()) {
      expect(key.length).toBe(32)
      expect(key.some((b) => b !== 0)).toBe(true)
      seen.add(Buffer.from(key).toString('hex'))
    }
    expect(seen.size).toBe(SUBJECTS.length)
    const fresh = createEventServer({ storage, personal })
    for (const reader of [server, fresh]) {
      const names = (await readAll(reader)).events.map((e: any) => e.payload.name)
      expect(names).toEqual(SUBJECTS.map((s) => `Name of ${s}`))
    }
    await Promise.all([server.close(), fresh.close()])
  }, 120_000)
})
