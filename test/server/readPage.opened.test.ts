// A page's sealed rows whose payload the reader's cache holds opened are not sent by the store
// (PageRequest.opened: SQLite writes them without their payload and reads the others' by
// position; PostgreSQL leaves out the payloads of rows within the cache's span of positions,
// `openedWithin`, and reads those it does not hold after, by position). With half of them cached, in pages mixing hits, misses and plain rows, cut by
// count and by bytes, the page is byte for byte the one read with nothing cached; each cached
// row is served at its own position; and a row the cache no longer holds once synced (a forget
// between the read and the sync) is read again, never served empty.
import type { PageRequest, PageResult, Storage } from '@strata/state/server'
import { createEventServer } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { OpenedCache } from '../../src/server/erasure/cache'
import { withErasure } from '../../src/server/erasure/personal'
import { attackStores } from './attack'
import { EMAIL, personal } from './erasureFixtures'
import { batch, events, postOk } from './helpers'

const COUNT = 60
const sealedSeq = (seq: number) => seq % 3 !== 0

async function sealedStore(storage: Storage) {
  const server = createEventServer({ storage, personal })
  const list = Array.from({ length: COUNT }, (_, i) => i + 1).flatMap((seq) =>
    sealedSeq(seq)
      ? events('c1', seq, 1, {
          type: 'user/renamed',
          stream: 'users',
          payload: { userId: `u${seq % 7}`, name: `Person ${seq}`, email: EMAIL, seq },
        })
      : events('c1', seq, 1, { payload: { n: seq, note: 'plain' } }),
  )
  await postOk(server, batch('c1', list))
  await server.close()
  return storage
}

/** The store, each page it gives kept (before it is opened), `erasures` able to drop the cache. */
function watched(storage: Storage, cache: OpenedCache) {
  const pages: PageResult[] = []
  const seen = { dropOnSync: false }
  const wrapped: Storage = {
    ...storage,
    readPage: async (request: PageRequest) => {
      const page = (await storage.readPage!(request))!
      pages.push(structuredClone(page))
      return page
    },
    erasures: async (tenant: string) => {
      // A forget between the read and the sync, as the cache sees it: nothing of it kept.
      if (seen.dropOnSync) cache.drop(tenant)
      return storage.erasures!(tenant)
    },
  }
  return { wrapped, pages, seen }
}

const REQUESTS = [
  { after: 0, limit: 100 },
  { after: 7, limit: 13 },
  { after: 1, limit: 100, maxBytes: 2_000 },
  { after: 30, limit: 20, maxBytes: 3_000 },
]

describe.each(attackStores().filter(([name]) => name !== 'memory'))(
  'readPage with the sealed rows the cache holds left out (%s)',
  (_, _sql, make) => {
    it('writes the same page as with nothing cached, each cached row at its place, misses read', async () => {
      const storage = await sealedStore(await make())
      const ask = (r: (typeof REQUESTS)[number]): PageRequest => ({
        ...r,
        tenant: '',
        held: { types: [], streams: [] },
      })
      // With nothing cached: every payload read and opened.
      const cold = withErasure(storage, personal, new OpenedCache())
      const expected: string[] = []
      for (const r of REQUESTS) expected.push((await cold.readPage!(ask(r)))!.text)
      const all = JSON.parse(`[${expected[0]}]`) as any[]
      expect(all).toHaveLength(COUNT)
      for (const e of all) {
        if (sealedSeq(e.clientSeq)) expect(e.payload.name).toBe(`Person ${e.clientSeq}`)
        else expect(e.payload).toEqual({ n: e.clientSeq, note: 'plain' })
      }
      expect(expected[2]!.length).toBeLessThanOrEqual(2_000)
      expect(JSON.parse(`[${expected[2]}]`).length).toBeLessThan(COUNT - 1)

      // Half of the sealed rows cached opened (every other one), by global position.
      const stored = await storage.read({ after: 0, limit: COUNT, tenant: '' })
      const positions = new Map(stored.events.map((e) => [e.clientSeq, e.position]))
      const generation = await storage.erasures!('')
      const cached = new Set<number>()
      /** A cache holding every other sealed row opened (what it opens itself it keeps too). */
      const seeded = () => {
        const cache = new OpenedCache()
        cache.sync('', generation)
        for (const e of all) {
          if (!sealedSeq(e.clientSeq) || e.clientSeq % 2) continue
          const position = positions.get(e.clientSeq)!
          cache.setText('', position, JSON.stringify(e.payload), ['name', 'email'], generation)
          cached.add(position)
        }
        return cache
      }
      for (const [i, r] of REQUESTS.entries()) {
        const cache = seeded()
        expect(cached.size).toBe(20)
        const { wrapped, pages } = watched(storage, cache)
        expect(
          (await withErasure(wrapped, personal, cache).readPage!(ask(r)))!.text,
          JSON.stringify(r),
        ).toBe(expected[i])
        expect(pages).toHaveLength(1)
        // The cached rows came without their payload, the others with theirs (still sealed).
        const rows = pages[0]!.sealed!
        expect(rows.length).toBeGreaterThanOrEqual(2)
        for (const row of rows) {
          if (cached.has(row.position)) expect(row.payloadText).toBe('')
          else expect(row.payloadText).toContain('"$enc"')
        }
        expect(rows.some((row) => cached.has(row.position))).toBe(true)
        expect(rows.some((row) => !cached.has(row.position))).toBe(true)
      }

      // The cache no longer holds them once synced: the page is read again, all payloads sent.
      for (const [i, r] of REQUESTS.entries()) {
        const cache = seeded()
        const { wrapped, pages, seen } = watched(storage, cache)
        seen.dropOnSync = true
        expect(
          (await withErasure(wrapped, personal, cache).readPage!(ask(r)))!.text,
          JSON.stringify(r),
        ).toBe(expected[i])
        expect(pages).toHaveLength(2)
        expect(pages[0]!.sealed!.some((row) => row.payloadText === '')).toBe(true)
        expect(pages[1]!.sealed!.every((row) => row.payloadText.includes('"$enc"'))).toBe(true)
      }
    })
  },
)
