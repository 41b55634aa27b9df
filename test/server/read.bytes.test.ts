// A GET /events page stops at its byte budget (limits.maxReadBytes), over real HTTP on every
// store and every path that writes a page: the store's own (readPage), the server's for a reader
// of some streams (readText), a long poll's first read and its wake-up, and the sealed rows a
// server with personal fields opens. A page never cuts an event, holds one even when it alone
// is over the budget, stops only before an event that would pass it, and says hasMore with the
// token after its last event, so reading on gives every event once, in order.
import { createStore } from '@strata/state'
import {
  createEventServer,
  memoryStorage,
  type Principal,
  type Storage,
} from '@strata/state/server'
import { connectSync } from '@strata/state/sync'
import { describe, expect, it } from 'vitest'
import { attackStores, byToken, start } from './attack'
import { personal } from './erasureFixtures'
import { batch, events } from './helpers'

const utf8 = (text: string) => new TextEncoder().encode(text).byteLength

/** alice may read no `secret` stream: the server writes her pages, not the store. */
const authorize = (request: Request): Principal | null => {
  const principal = byToken(request)
  return principal?.id === 'alice'
    ? { ...principal, canRead: (s) => !s.startsWith('secret') }
    : principal
}

/** Padding of event `n`: large, two-, three- and four-byte characters, small. */
const PADS = [
  (n: number) => 'x'.repeat(24_000 + n),
  (n: number) => 'é'.repeat(5_000 + n),
  (n: number) => '日本'.repeat(2_000 + n),
  (n: number) => '😀'.repeat(1_000 + n),
  (n: number) => `small ${n}`,
]
const COUNT = 150
const streamOf = (n: number) => (n % 7 === 0 ? 'secret' : 'todos')

/** COUNT events of sizes from 10 bytes to 25 KB, 20 a request (the body limit is 1 MiB). */
async function seed(url: string) {
  for (let from = 1; from <= COUNT; from += 20) {
    const list = events('c1', from, Math.min(20, COUNT - from + 1)).map((e) => ({
      ...e,
      stream: streamOf(e.clientSeq),
      payload: { n: e.clientSeq, pad: PADS[e.clientSeq % PADS.length]!(e.clientSeq) },
    }))
    const response = await fetch(`${url}/events`, {
      method: 'POST',
      headers: { authorization: 'Bearer bob@acme', 'content-type': 'application/json' },
      body: JSON.stringify(batch('c1', list)),
    })
    expect(response.status).toBe(200)
  }
}

async function get(url: string, who: string, query: string) {
  const response = await fetch(`${url}/events${query}`, {
    headers: { authorization: `Bearer ${who}@acme` },
  })
  expect(response.status).toBe(200)
  return response.text()
}

/** The events' text of an answer, as sent: what the budget counts. */
function eventsText(answer: string): string {
  const from = answer.indexOf('"events":[') + '"events":['.length
  return answer.slice(from, answer.lastIndexOf('],"token":'))
}

interface Page {
  events: { position: string; payload: { n: number } }[]
  token: string
  head: string
  hasMore: boolean
}

/**
 * Reads every page after the start, checking each against the budget; returns the events'
 * numbers in the order read. `all`: the reader sees every event read (no stream held from it),
 * so a page cut short must end just before an event that would pass the budget.
 */
async function walk(url: string, who: string, query: string, budget: number, limit: number) {
  const seen: number[] = []
  let token = 'v1:0'
  let pages = 0
  for (;;) {
    const answer = await get(url, who, `?after=${token}&limit=${limit}${query}`)
    const page = JSON.parse(answer) as Page
    const text = eventsText(answer)
    pages++
    // Only alice's may be empty: events she may not read were looked at, and skipped.
    if (who === 'bob') expect(page.events.length).toBeGreaterThan(0)
    if (page.events.length > 1) expect(utf8(text)).toBeLessThanOrEqual(budget)
    if (page.hasMore) {
      // After the last event; for alice also after events she may not read that follow it.
      const last =
        Number((page.events.at(-1)?.position ?? token).slice(3)) + (page.events.length ? 0 : 1)
      if (who === 'bob') expect(page.token).toBe(`v1:${last}`)
      else expect(Number(page.token.slice(3))).toBeGreaterThanOrEqual(last)
      if (who === 'bob' && page.events.length < limit) {
        const next = eventsText(await get(url, who, `?after=${page.token}&limit=1${query}`))
        expect(utf8(text) + 1 + utf8(next)).toBeGreaterThan(budget)
      }
    } else expect(page.token).toBe(page.head)
    seen.push(...page.events.map((e) => e.payload.n))
    token = page.token
    if (!page.hasMore) return { seen, pages }
  }
}

/**
 * The store, its text reads and pages checked against the budget as they come out of it: a
 * store stops reading near the budget (not at `limit`), not only the answer written from it.
 */
function measured(storage: Storage, budget: number): Storage {
  const { readText, readPage } = storage
  return {
    ...storage,
    ...(readText && {
      readText: async (request) => {
        const result = await readText(request)
        let chars = 0
        for (const e of result.events) chars += e.payloadText.length
        if (result.events.length > 1) expect(chars).toBeLessThanOrEqual(budget)
        return result
      },
    }),
    ...(readPage && {
      readPage: async (request) => {
        const page = await readPage(request)
        if (page && page.count > 1) expect(page.text.length).toBeLessThanOrEqual(budget)
        return page
      },
    }),
  }
}

const numbers = (keep: (n: number) => boolean = () => true) =>
  Array.from({ length: COUNT }, (_, i) => i + 1).filter(keep)

const READERS = [
  ['bob, every stream (the store writes the page)', 'bob', ''],
  ['alice, some streams (the server writes it)', 'alice', ''],
  ['bob, one stream named', 'bob', '&stream=todos'],
  ['bob, a long poll with events to read', 'bob', '&wait=5000'],
] as const

describe.each(attackStores())('GET /events pages within maxReadBytes on %s', (_, _sql, make) => {
  it.each([
    [100_000, 1000],
    [300_000, 50],
    // Every 24 KB event alone is over it: a page of it alone.
    [20_000, 1000],
  ])('budget %i bytes, limit %i: every reader reads every event once', async (budget, limit) => {
    const { url } = await start({
      storage: measured(await make(), budget),
      authorize,
      limits: { maxReadBytes: budget },
    })
    await seed(url)
    for (const [what, who, query] of READERS) {
      const { seen, pages } = await walk(url, who, query, budget, limit)
      const streams = who === 'alice' || query.includes('stream=')
      expect(seen, what).toEqual(numbers(streams ? (n) => streamOf(n) !== 'secret' : undefined))
      // 1.3 to 1.5 MB read: the budget, not the limit, ended the pages.
      expect(pages, what).toBeGreaterThan(Math.floor(1_000_000 / budget))
    }
  })

  it('an event alone over the budget is read alone, with the token after it', async () => {
    const { url } = await start({
      storage: measured(await make(), 1000),
      authorize,
      limits: { maxReadBytes: 1000 },
    })
    await seed(url)
    const page = JSON.parse(await get(url, 'bob', '?after=v1:0&limit=1000')) as Page
    expect(page.events.map((e) => e.payload.n)).toEqual([1])
    expect(page).toMatchObject({ token: 'v1:1', hasMore: true })
    // A small one before a large one: alone too.
    const small = JSON.parse(await get(url, 'bob', '?after=v1:3&limit=1000')) as Page
    expect(small.events.map((e) => e.payload.n)).toEqual([4])
  })

  it("a long poll's wake-up answers within the budget; the rest is read after it", async () => {
    const budget = 100_000
    const { url } = await start({
      storage: measured(await make(), budget),
      authorize,
      limits: { maxReadBytes: budget },
    })
    const waiting = get(url, 'bob', '?after=v1:0&limit=1000&wait=10000')
    await new Promise((resolve) => setTimeout(resolve, 200))
    await seed(url)
    const answer = await waiting
    const page = JSON.parse(answer) as Page
    expect(utf8(eventsText(answer))).toBeLessThanOrEqual(budget)
    expect(page.events.length).toBeGreaterThan(0)
    expect(page.token).toBe(page.events.at(-1)!.position)
    const first = page.events.map((e) => e.payload.n)
    expect(first).toEqual(numbers().slice(0, first.length))
    if (first.length < COUNT) expect(page.hasMore).toBe(true)
  })

  it('a page of sealed personal fields, opened, stays within the budget', async () => {
    const budget = 60_000
    const storage = measured(await make(), budget)
    const { url } = await start({ storage, authorize, personal, limits: { maxReadBytes: budget } })
    const name = (n: number) => `Ada ${'é'.repeat(2_000 + n)}`
    for (let from = 1; from <= 60; from += 20) {
      const list = events('c1', from, 20, { type: 'user/renamed', stream: 'users' }).map((e) => ({
        ...e,
        payload: { userId: `u${e.clientSeq}`, name: name(e.clientSeq), email: 'a@example.com' },
      }))
      const response = await fetch(`${url}/events`, {
        method: 'POST',
        headers: { authorization: 'Bearer bob@acme', 'content-type': 'application/json' },
        body: JSON.stringify(batch('c1', list)),
      })
      expect(response.status).toBe(200)
    }
    for (const who of ['bob', 'alice']) {
      let token = 'v1:0'
      const names: string[] = []
      for (;;) {
        const answer = await get(url, who, `?after=${token}&limit=1000`)
        const page = JSON.parse(answer) as Omit<Page, 'events'> & {
          events: { payload: { name: string } }[]
        }
        if (page.events.length > 1) expect(utf8(eventsText(answer))).toBeLessThanOrEqual(budget)
        names.push(...page.events.map((e) => e.payload.name))
        token = page.token
        if (!page.hasMore) break
      }
      expect(names).toEqual(Array.from({ length: 60 }, (_, i) => name(i + 1)))
    }
  })

  it('a client (connectSync) reads on across pages cut short: every event once, in order', async () => {
    const budget = 100_000
    const { url } = await start({
      storage: measured(await make(), budget),
      authorize: () => ({ id: 'bob', tenant: 'acme' }),
      limits: { maxReadBytes: budget },
    })
    await seed(url)
    let reads = 0
    const store = createStore({
      initialState: { seen: [] as number[] },
      reducer: (draft: { seen: number[] }, event: { type: string; payload: { n: number } }) => {
        draft.seen.push(event.payload.n)
      },
    })
    const sync = connectSync(store, {
      url,
      fetch: (request: Request) => {
        if (request.method === 'GET' && new URL(request.url).pathname === '/events') reads++
        return fetch(request)
      },
      persist: false,
      live: 'off',
    })
    try {
      await sync.pull()
      expect(store.getState().seen).toEqual(numbers())
      expect(reads).toBeGreaterThan(Math.floor(1_000_000 / budget))
    } finally {
      await sync.close()
    }
  })
})

describe('limits.maxReadBytes', () => {
  it.each([0, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY])('%s is refused', (value) => {
    expect(() =>
      createEventServer({ storage: memoryStorage(), limits: { maxReadBytes: value } }),
    ).toThrow(/maxReadBytes must be a positive integer/)
  })
})
