// A read through old history keeps none of what it opens below the newest half of the cache's
// bound: a new device catching up from the start, or a rebuild, would otherwise turn the cache
// over (dropping what the reads after each append are served from) and pay to keep entries no
// one reads again soon. Its keys are still kept, and what was kept is still served.
import { createEventServer, sqliteStorage } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { OpenedCache } from '../../src/server/erasure/cache'
import { withErasure } from '../../src/server/erasure/personal'
import { EMAIL, personal } from './erasureFixtures'
import { batch, events, postOk } from './helpers'

const COUNT = 300
const BOUND = 100 // keeps opened payloads within 50 positions of the head

async function sealedStore() {
  const storage = sqliteStorage(':memory:')
  const server = createEventServer({ storage, personal })
  for (let from = 1; from <= COUNT; from += 100) {
    const list = events('c1', from, 100, { type: 'user/renamed', stream: 'users' }).map((e) => ({
      ...e,
      payload: { userId: `u${e.clientSeq % 7}`, name: `Person ${e.clientSeq}`, email: EMAIL },
    }))
    await postOk(server, batch('c1', list))
  }
  await server.close()
  return storage
}

const kept = (cache: OpenedCache) =>
  Array.from({ length: COUNT }, (_, i) => i + 1).filter((p) => cache.text('', p) !== undefined)
const newest = Array.from({ length: BOUND / 2 }, (_, i) => COUNT - BOUND / 2 + 1 + i)

describe('a read through old history and the cache of opened fields', () => {
  it('keeps only what it opens near the head, by readPage and readText, and serves it opened', async () => {
    const storage = await sealedStore()
    for (const read of ['readPage', 'readText'] as const) {
      const cache = new OpenedCache(BOUND)
      const reader = withErasure(storage, personal, cache)
      // Pages of 50, each kept or not by where it ends: 251-300 within 50 of the head.
      let text = ''
      for (let after = 0; after < COUNT; after += 50) {
        const request = { after, limit: 50, tenant: '' }
        text +=
          read === 'readPage'
            ? (await reader.readPage!({ ...request, held: { types: [], streams: [] } }))!.text
            : JSON.stringify((await reader.readText!(request)).events.map((e) => e.payloadText))
        // Before: each page's 50 were kept (the cache turning over at 50), old as they were.
        if (after < COUNT - 50) expect(kept(cache)).toEqual([])
      }
      // Every event opened (no envelope left), whatever was kept.
      expect(text).not.toContain('$enc')
      for (const n of [1, 150, 300]) expect(text).toContain(`Person ${n}`)
      expect(kept(cache)).toEqual(newest)
      // What was kept is what a reader sees.
      expect(JSON.parse(cache.text('', COUNT)!).name).toBe(`Person ${COUNT}`)
    }
    // Every tenant's events at once (a projection over all): its head is global, and what it
    // opens is kept as before, the first page too.
    const cache = new OpenedCache(BOUND)
    await withErasure(storage, personal, cache).readText!({ after: 0, limit: 50 })
    expect(kept(cache)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    await storage.close()
  })
})
