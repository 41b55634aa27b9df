import { describe, expect, it } from 'vitest'
import { KeptCache } from '../../src/server/snapshotCache'
import type { ServedSnapshot } from '../../src/server/snapshots'

// The kept states' answers a server keeps (snapshotCache.ts): bounded by their text, a tenant's
// dropped when its count of erasures moves, and never one read before a forget kept after it.

const served = (position: number, fill = ''): ServedSnapshot => ({
  position,
  state: { json: { fill } } as never,
  streams: { todos: position },
  more: false,
})

describe('KeptCache', () => {
  it('keeps the answer as text, the state let go; served again as kept', () => {
    const cache = new KeptCache()
    cache.sync('acme', 0)
    const kept = cache.put('acme', 'board', '1', served(20, 'x'), 0)
    expect(kept.state).toBeNull()
    expect(JSON.parse(kept.encoded!.text!)).toEqual({
      protocol: 1,
      name: 'board',
      version: '1',
      position: 'v1:20',
      state: { json: { fill: 'x' } },
      streams: { todos: 20 },
    })
    expect(cache.get('acme', 'board', '1', 20)).toBe(kept)
    // Another version, name, position or tenant is another entry.
    expect(cache.get('acme', 'board', '2', 20)).toBeUndefined()
    expect(cache.get('acme', 'other', '1', 20)).toBeUndefined()
    expect(cache.get('acme', 'board', '1', 10)).toBeUndefined()
    expect(cache.get('evil', 'board', '1', 20)).toBeUndefined()
  })

  it('holds no more text than its bound, the least recently used going first', () => {
    const one = JSON.stringify(served(1, 'x'.repeat(1000))).length + 100
    const cache = new KeptCache(one * 3)
    cache.sync('acme', 0)
    for (const p of [1, 2, 3]) cache.put('acme', 'board', '1', served(p, 'x'.repeat(1000)), 0)
    expect(cache.get('acme', 'board', '1', 1)).toBeDefined()
    cache.put('acme', 'board', '1', served(4, 'x'.repeat(1000)), 0)
    // 2 was used least recently (1 was just read).
    expect([1, 2, 3, 4].map((p) => cache.get('acme', 'board', '1', p) !== undefined)).toEqual([
      true,
      false,
      true,
      true,
    ])
    // A state larger than the whole bound is served, not kept.
    const huge = cache.put('acme', 'board', '1', served(5, 'x'.repeat(one * 4)), 0)
    expect(huge.encoded?.text).toContain('v1:5')
    expect(cache.get('acme', 'board', '1', 5)).toBeUndefined()
    expect(cache.get('acme', 'board', '1', 4)).toBeDefined()
  })

  it("drops a tenant's entries when its count of erasures moves, and only that tenant's", () => {
    const cache = new KeptCache()
    cache.sync('acme', 3)
    cache.sync('evil', 0)
    cache.put('acme', 'board', '1', served(10), 3)
    cache.put('evil', 'board', '1', served(10), 0)
    cache.sync('acme', 3)
    expect(cache.get('acme', 'board', '1', 10)).toBeDefined()
    cache.sync('acme', 4)
    expect(cache.get('acme', 'board', '1', 10)).toBeUndefined()
    expect(cache.get('evil', 'board', '1', 10)).toBeDefined()
    cache.drop('evil')
    expect(cache.get('evil', 'board', '1', 10)).toBeUndefined()
  })

  it('never keeps a state read at a count of erasures that is no longer the current one', () => {
    const cache = new KeptCache()
    cache.sync('acme', 3)
    // Read at 3; a forget here dropped the tenant before it was put: served once, not kept.
    cache.drop('acme')
    expect(cache.put('acme', 'board', '1', served(10), 3).encoded?.text).toContain('v1:10')
    expect(cache.get('acme', 'board', '1', 10)).toBeUndefined()
    // Read at 3; another reader synced to 4 (a forget elsewhere) before it was put.
    cache.sync('acme', 4)
    cache.put('acme', 'board', '1', served(10), 3)
    expect(cache.get('acme', 'board', '1', 10)).toBeUndefined()
    cache.put('acme', 'board', '1', served(10), 4)
    expect(cache.get('acme', 'board', '1', 10)).toBeDefined()
  })
})
