// A GET /events page's byte budget (limits.maxReadBytes) against a reader of some streams, over
// real HTTP: where a page ends must not depend on the events the reader may not see. If the
// budget counted them, a reader would learn the size of events on streams it may not read by
// where its pages stop (and, moving `after` one event at a time, each one's size). Two stores
// whose logs differ only in the size of alice's hidden events must page alike for her.
// With 351a1b3 her pages stopped after each hidden 60 KB event (['b-2'], 'v1:2', true ...) where
// the small ones gave one page; the server now reads on past them (served.ts readServed).
import type { Storage } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { restricted } from '../support/principals'
import { type AttackStore, as, attackStores, start } from './attack'
import { batch, events } from './helpers'

/** Ten public events, each after a secret one of `size` characters, in one store. */
async function seeded(storage: Storage, size: number, open = 0) {
  const { url } = await start({ storage, authorize: restricted, limits: { maxReadBytes: 100_000 } })
  const bob = as(url, 'bob@acme')
  for (let i = 0; i < 10; i++) {
    const secret = events('b', 2 * i + 1, 1, {
      stream: 'secret',
      payload: { text: 'x'.repeat(size) },
    })
    const todo = events('b', 2 * i + 2, 1, {
      stream: 'todos',
      payload: { n: i, text: 'o'.repeat(open) },
    })
    expect((await bob.post(batch('b', [...secret, ...todo]))).status).toBe(200)
  }
  return url
}

/** Every page alice reads from the start: its events' ids, token and hasMore. */
async function pages(url: string) {
  const alice = as(url, 'alice@acme')
  const seen: unknown[] = []
  let after = 'v1:0'
  for (let i = 0; i < 30; i++) {
    const page = await alice.get(`/events?after=${after}&limit=1000`)
    expect(page.status).toBe(200)
    seen.push([page.body.events.map((e: any) => e.id), page.body.token, page.body.hasMore])
    if (!page.body.hasMore) return seen
    after = page.body.token
  }
  throw new Error('no end of pages in 30')
}

describe.each(attackStores())('the page byte budget on %s', (_name, _sql, make: AttackStore[2]) => {
  it('ends a page where it would whatever the size of events the reader may not see', async () => {
    const small = await pages(await seeded(await make(), 10))
    const large = await pages(await seeded(await make(), 60_000))
    expect(small).toEqual([
      [Array.from({ length: 10 }, (_, i) => `b-${2 * i + 2}`), 'v1:20', false],
    ])
    expect(large).toEqual(small)
  })

  it('cuts her pages of large events she may read at the budget, alike whatever the others', async () => {
    const small = await pages(await seeded(await make(), 10, 30_000))
    const large = await pages(await seeded(await make(), 60_000, 30_000))
    // Three events of 30 KB a page (100,000 bytes), the last with one.
    expect(small.map((page: any) => page[0].length)).toEqual([3, 3, 3, 1])
    expect(large).toEqual(small)
  })
})
