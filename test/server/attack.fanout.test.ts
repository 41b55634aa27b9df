// The writer does not pay for the readers, over real HTTP: an append wakes only the long polls of
// its tenant, those at one position share one read, and the POST is answered before that read.
import { memoryStorage, type Storage } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { as, start } from './attack'
import { batch, events } from './helpers'

/** Counts reads and head lookups; reads after `slow()` take 200 ms more. */
function counting(storage: Storage) {
  const count = { reads: 0, heads: 0 }
  let delay = 0
  const wrapped: Storage = {
    ...storage,
    kind: storage.kind,
    read: async (request) => {
      count.reads++
      if (delay) await new Promise((r) => setTimeout(r, delay))
      return storage.read(request)
    },
    // What GET /events and the long polls read through.
    readText: async (request) => {
      count.reads++
      if (delay) await new Promise((r) => setTimeout(r, delay))
      return storage.readText!(request)
    },
    head: async (tenant) => {
      count.heads++
      return storage.head(tenant)
    },
  }
  return { storage: wrapped, count, slow: () => (delay = 200) }
}

describe('fan-out', () => {
  it('wakes only the polls of the tenant written to, with one shared read, after the POST answered', async () => {
    const probe = counting(memoryStorage())
    const { url, server } = await start({
      storage: probe.storage,
      limits: { maxLongPollsPerPrincipal: 100 },
    })
    const order: string[] = []
    const poll = (who: string, n: number) =>
      as(url, who)
        .get(`/events?after=v1:0&wait=30000&clientId=c${n}`)
        .then((r) => {
          order.push(`${who.split('@')[1]}`)
          return r
        })
    const acme = Array.from({ length: 20 }, (_, n) => poll('alice@acme', n))
    const evil = Array.from({ length: 20 }, (_, n) => poll('eve@evil', n))
    await expect.poll(() => server.stats().longPolls).toBe(40)
    const before = { ...probe.count }
    probe.slow()
    await as(url, 'alice@acme')
      .post(batch('writer', events('writer', 1, 3)))
      .then(() => order.push('post'))
    const answers = await Promise.all(acme)
    // The POST first; then the 20 polls of its tenant, from one read; eve's polls sleep on.
    expect(order[0]).toBe('post')
    expect(order.slice(1)).toEqual(Array(20).fill('acme'))
    expect(probe.count.reads - before.reads).toBe(1)
    expect(probe.count.heads - before.heads).toBe(0)
    for (const { body } of answers) {
      expect(body.events.map((e: any) => e.position)).toEqual(['v1:1', 'v1:2', 'v1:3'])
      expect(body.lastSeq).toBe(0)
    }
    expect(server.stats().longPolls).toBe(20)
    // Each poll's lastSeq is its own client's, from the same shared read.
    await as(url, 'eve@evil').post(batch('c3', events('c3', 1, 1)))
    const theirs = await Promise.all(evil)
    expect(theirs.map((r) => r.body.lastSeq)).toEqual(
      Array.from({ length: 20 }, (_, n) => (n === 3 ? 1 : 0)),
    )
    expect(probe.count.reads - before.reads).toBe(2)
  })
})
