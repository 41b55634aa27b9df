// What one tenant's forgets cost the others, over real HTTP on memory, SQLite and PostgreSQL: a
// forget that deletes nothing (a subject never seen, or forgotten already) wipes nothing, and a
// forget in one tenant leaves what the server opened for another in its cache.
import type { Storage } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { type AttackStore, as, attackStores, forget, start, withAdmins } from './attack'
import { NAMES, people, personal } from './erasureFixtures'
import { batch } from './helpers'

/** The store, counting its wipes of deleted pages and the subject keys it is asked for. */
function counting(storage: Storage) {
  const count = { wipes: 0, keys: 0 }
  const wrapped: Storage = {
    ...storage,
    kind: storage.kind,
    wipeDeleted: async () => {
      count.wipes++
      return storage.wipeDeleted!()
    },
    subjectKeys: async (tenant, subjects) => {
      count.keys++
      return storage.subjectKeys!(tenant, subjects)
    },
  }
  return { storage: wrapped, count }
}

describe.each(attackStores())('forgets on %s', (_name, _sql, make: AttackStore[2]) => {
  it('a forget that deletes nothing wipes nothing (on PostgreSQL: VACUUM FULL of every tenant’s checkpoints, a WAL switch)', async () => {
    const probe = counting(await make())
    const { url } = await start({ storage: probe.storage, authorize: withAdmins, personal })
    await as(url, 'bob@acme').post(batch('c1', people('c1')))
    // The first forget since the server started wipes, whatever it deleted: a wipe may have
    // failed or not run before a restart.
    expect((await forget(url, 'nobody', 'root@evil')).status).toBe(200)
    probe.count.wipes = 0
    for (let i = 0; i < 20; i++) {
      // Another tenant's admin, in a loop: subjects it never had, and acme's Ada.
      expect((await forget(url, i % 2 ? `nobody-${i}` : 'ada', 'root@evil')).status).toBe(200)
    }
    expect(probe.count.wipes).toBe(0)
    // Ada's forget here deletes her key: wiped once; forgotten again, nothing more.
    expect((await forget(url, 'ada', 'root@acme')).status).toBe(200)
    expect((await forget(url, 'ada', 'root@acme')).status).toBe(200)
    expect(probe.count.wipes).toBe(1)
    const read = await as(url, 'bob@acme').get('/events?after=v1:0')
    expect(JSON.stringify(read.body)).not.toContain(NAMES.ada)
    expect(JSON.stringify(read.body)).toContain(NAMES.bob)
  })

  it.each([
    ['wipe', 'wipe'],
    ['onForget hook (a step before the wipe)', 'hook'],
  ])(
    'a forget whose %s failed is finished by the next forget, even one that deletes nothing',
    async (_, step) => {
      const base = await make()
      let fail = false
      const storage: Storage = {
        ...base,
        kind: base.kind,
        wipeDeleted: async () => {
          if (step === 'wipe' && fail) throw new Error('a reader stays open')
          return base.wipeDeleted!()
        },
      }
      const probe = counting(storage)
      const onForget = () => {
        if (step === 'hook' && fail) throw new Error('the CRM is down')
      }
      const { url } = await start({
        storage: probe.storage,
        authorize: withAdmins,
        personal,
        onForget,
      })
      await as(url, 'bob@acme').post(batch('c1', people('c1')))
      expect((await forget(url, 'nobody', 'root@acme')).status).toBe(200)
      fail = true
      const failed = await forget(url, 'ada', 'root@acme')
      expect(failed.status).toBe(503)
      // Not "nothing was stored": the key is gone, and the answer says so and how to finish.
      const text = JSON.stringify(failed.body)
      expect(text).toContain('is forgotten (its key is deleted')
      expect(text).not.toContain('nothing was stored')
      fail = false
      probe.count.wipes = 0
      // Her key is gone: the retry deletes nothing, and wipes what the first deleted.
      expect((await forget(url, 'ada', 'root@acme')).status).toBe(200)
      expect((await forget(url, 'nobody', 'root@acme')).status).toBe(200)
      expect(probe.count.wipes).toBe(1)
    },
  )

  it('a forget in one tenant leaves another tenant’s opened fields in the cache', async () => {
    const probe = counting(await make())
    const { url } = await start({ storage: probe.storage, authorize: withAdmins, personal })
    await as(url, 'bob@acme').post(batch('c1', people('c1')))
    const bob = as(url, 'bob@acme')
    const first = await bob.get('/events?after=v1:0')
    expect(JSON.stringify(first.body)).toContain(NAMES.ada)
    probe.count.keys = 0
    // Read again: opened from the cache, no key asked for.
    await bob.get('/events?after=v1:0')
    expect(probe.count.keys).toBe(0)
    // Evil's forgets, of a subject it has and of one it has not: acme's reads are as warm.
    await as(url, 'eve@evil').post(batch('c9', people('c9')))
    await as(url, 'eve@evil').get('/events?after=v1:0')
    for (const subject of ['ada', 'nobody']) {
      expect((await forget(url, subject, 'root@evil')).status).toBe(200)
      probe.count.keys = 0
      const again = await bob.get('/events?after=v1:0')
      expect(again.body).toEqual(first.body)
      // Emptied for every tenant, acme's read would ask for Ada's and Bob's keys again.
      expect(probe.count.keys).toBe(0)
    }
    // Evil's own Ada is gone for evil, and acme's forget still empties what acme opened.
    expect(
      JSON.stringify((await as(url, 'eve@evil').get('/events?after=v1:0')).body),
    ).not.toContain(NAMES.ada)
    expect((await forget(url, 'ada', 'root@acme')).status).toBe(200)
    expect(JSON.stringify((await bob.get('/events?after=v1:0')).body)).not.toContain(NAMES.ada)
  })
})
