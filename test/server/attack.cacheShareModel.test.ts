// The floor each tenant has in the caches shared by tenants (tenantShare.ts giverOf, used by
// KeptCache and OpenedCache), over any sequence of uses (fast-check): another tenant's entry
// never drops an entry of a tenant holding no more than its share (the bound over the tenants
// holding entries). attack.cacheShare.test.ts shows it over HTTP; this, for every interleaving.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OpenedCache } from '../../src/server/erasure/cache'
import { KeptCache } from '../../src/server/snapshotCache'

const TENANTS = ['a', 'b', 'c', 'd']
const served = (position: number, fill: string) => ({
  position,
  state: { json: { fill } } as never,
  streams: {},
  more: false,
})

describe('the floor of a tenant in the shared caches', () => {
  it('KeptCache: a put never drops another tenant within its share', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...TENANTS), fc.integer({ min: 1, max: 3000 })), {
          maxLength: 200,
        }),
        (puts) => {
          const max = 10_000
          const cache = new KeptCache(max)
          for (const t of TENANTS) cache.sync(t, 0)
          /** What each tenant was given and not yet seen dropped: position -> text length. */
          const held = new Map<string, Map<number, number>>(TENANTS.map((t) => [t, new Map()]))
          const alive = (t: string) => {
            for (const p of [...held.get(t)!.keys()])
              if (!cache.get(t, 'n', '1', p)) held.get(t)!.delete(p)
          }
          for (const [i, [tenant, size]] of puts.entries()) {
            for (const t of TENANTS) alive(t)
            const sizes = new Map(
              TENANTS.map((t) => [t, [...held.get(t)!.values()].reduce((a, b) => a + b, 0)]),
            )
            const kept = cache.put(tenant, 'n', '1', served(i, 'x'.repeat(size)), 0)
            held.get(tenant)!.set(i, kept.encoded!.text!.length)
            const holding = TENANTS.filter((t) => t === tenant || sizes.get(t)! > 0).length
            for (const t of TENANTS) {
              if (t === tenant || sizes.get(t)! > max / holding) continue
              for (const p of held.get(t)!.keys())
                expect(cache.get(t, 'n', '1', p), `${t} ${p}`).toBeDefined()
            }
          }
        },
      ),
      { numRuns: 200 },
    )
  })

  it('OpenedCache: other tenants, however busy, never drop a tenant within its share', () => {
    // Read only at the end: a read moves an entry back to the young map, which is the reader's
    // own traffic (its own turn-overs may drop its older entries).
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 25 }),
        fc.array(fc.tuple(fc.constantFrom('b', 'c', 'd'), fc.integer({ min: 1, max: 60 })), {
          maxLength: 20,
        }),
        (mine, runs) => {
          const max = 100
          const cache = new OpenedCache(max)
          for (const t of TENANTS) cache.sync(t, 0)
          let position = 0
          for (let n = 0; n < mine; n++) cache.setValues('a', ++position, { n: position }, 0)
          for (const [tenant, count] of runs)
            for (let n = 0; n < count; n++) cache.setValues(tenant, ++position, { n: position }, 0)
          // 25 is a quarter of the bound: within a's share with up to four tenants holding.
          for (let p = 1; p <= mine; p++) expect(cache.values('a', p), `${p}`).toEqual({ n: p })
          // And the busy tenant's latest entry is kept.
          if (position > mine) expect(cache.values(runs.at(-1)![0], position)).toBeDefined()
        },
      ),
      { numRuns: 200 },
    )
  })
})
