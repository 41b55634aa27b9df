// What one GET /events costs the server, over real HTTP: a page is at most maxReadLimit events
// (1,000) of at most maxEventBytes each (64 KiB), so one reader's page of large events is a
// string of up to 64 MiB, built whole in memory before it is sent; a few dozen readers at once
// (any tenant's, of their own tenant's events) take the memory every tenant's server runs in.
// A page stops at a byte budget too (limits.maxReadBytes, 4 MiB: hasMore: true, the client
// reads on); read.bytes.test.ts holds it on every store and path.
import { describe, expect, it } from 'vitest'
import { as, start } from './attack'
import { batch, events } from './helpers'

const BUDGET = 4 * 2 ** 20

describe('page bytes', () => {
  it('a page of large events stops at a byte budget, and the rest is read after it', async () => {
    const { url } = await start()
    const mallory = as(url, 'mallory@evil')
    const big = 'x'.repeat(60_000)
    // 120 events of 60 KB, 15 a request (the body limit is 1 MiB): 7 MB in all.
    for (let from = 1; from <= 120; from += 15) {
      const sent = events('m', from, 15, { payload: { big } })
      expect((await mallory.post(batch('m', sent))).status).toBe(200)
    }
    const response = await fetch(`${url}/events?after=v1:0&limit=1000`, {
      headers: { authorization: 'Bearer mallory@evil' },
    })
    const text = await response.text()
    // 7.2 MB in one answer before a budget.
    expect(text.length).toBeLessThanOrEqual(BUDGET + 70_000)
    expect(JSON.parse(text).hasMore).toBe(true)
  })
})
