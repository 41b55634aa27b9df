// The cache of opened fields against a forget that lands while a read is under way, over real
// HTTP on memory, SQLite and PostgreSQL: a read that fetched a subject's key before the forget
// committed must not leave it (or what it opened with it) in the cache for the reads after.
import type { Storage } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { type AttackStore, as, attackStores, forget, start, withAdmins } from './attack'
import { NAMES, people, personal } from './erasureFixtures'
import { batch } from './helpers'

/** The store, with the first key lookup after `hold()` answered only once `release()` is called. */
function gated(storage: Storage) {
  let armed = false
  let open!: () => void
  const gate = new Promise<void>((resolve) => {
    open = resolve
  })
  let held!: () => void
  const holding = new Promise<void>((resolve) => {
    held = resolve
  })
  const wrapped: Storage = {
    ...storage,
    kind: storage.kind,
    subjectKeys: async (tenant, subjects) => {
      const keys = await storage.subjectKeys!(tenant, subjects)
      if (armed) {
        armed = false
        held()
        await gate
      }
      return keys
    },
  }
  return {
    storage: wrapped,
    hold: () => {
      armed = true
      return holding
    },
    release: () => open(),
  }
}

describe.each(attackStores())('the opened cache on %s', (_name, _sql, make: AttackStore[2]) => {
  it('keeps nothing a read fetched before a forget committed and cached after it', async () => {
    const storage = await make()
    // Written through one server; read and forgotten through another, whose cache starts cold.
    const writer = await start({ storage, authorize: withAdmins, personal })
    await as(writer.url, 'bob@acme').post(batch('c1', people('c1')))
    const probe = gated(storage)
    const { url } = await start({ storage: probe.storage, authorize: withAdmins, personal })
    const bob = as(url, 'bob@acme')
    // A read fetches Ada's key, and is held before it caches it.
    const holding = probe.hold()
    const early = bob.get('/events?after=v1:0')
    await holding
    expect((await forget(url, 'ada', 'root@acme')).status).toBe(200)
    // Read after the forget: erased.
    const after = await bob.get('/events?after=v1:0')
    expect(JSON.stringify(after.body)).not.toContain(NAMES.ada)
    probe.release()
    await early
    // The early read's key (and what it opened) must not be served to the reads after it.
    for (const query of ['?after=v1:0', '?after=v1:1', '?after=v1:0&stream=cards']) {
      const later = await bob.get(`/events${query}`)
      expect(later.status).toBe(200)
      expect(JSON.stringify(later.body)).not.toContain(NAMES.ada)
    }
    expect(JSON.stringify((await bob.get('/events?after=v1:0')).body)).toContain(NAMES.bob)
  })
})
