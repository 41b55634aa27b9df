import { deepEqual } from '@strata/state'
import { diffValues } from '@strata/state/testing'
import { describe, expect, it } from 'vitest'

// Pairs of states and whether they are equal: hot-reload reports (deepEqual) and replay diffs
// (diffValues) must give the same answer for each.
const cases: [string, unknown, unknown, boolean][] = [
  ['same numbers', 1, 1, true],
  ['NaN and NaN', Number.NaN, Number.NaN, true],
  ['0 and -0', 0, -0, false],
  ['objects with keys in another order', { a: 1, b: 2 }, { b: 2, a: 1 }, true],
  ['a missing key', { a: 1 }, { a: 1, b: undefined }, false],
  ['arrays of another length', [1, 2], [1, 2, 3], false],
  ['two different RegExps', /a/g, /b/g, false],
  ['the same RegExp source and flags', /a/g, /a/g, true],
  ['RegExps with other flags', /a/g, /a/i, false],
  ['Dates at the same time', new Date(5), new Date(5), true],
  ['Dates at other times', new Date(5), new Date(6), false],
  [
    'Sets of equal objects in another order',
    new Set([{ a: 1 }, { b: 2 }]),
    new Set([{ b: 2 }, { a: 1 }]),
    true,
  ],
  ['Sets of other objects', new Set([{ a: 1 }]), new Set([{ a: 2 }]), false],
  ['Sets of primitives in another order', new Set([1, 2, 3]), new Set([3, 2, 1]), true],
  ['Maps with equal object keys', new Map([[{ id: 1 }, 'x']]), new Map([[{ id: 1 }, 'x']]), true],
  ['Maps with other values', new Map([['k', { v: 1 }]]), new Map([['k', { v: 2 }]]), false],
  [
    'Maps with entries in another order',
    new Map([
      ['a', 1],
      ['b', 2],
    ]),
    new Map([
      ['b', 2],
      ['a', 1],
    ]),
    true,
  ],
  ['a Map and an object', new Map(), {}, false],
  ['typed arrays', new Uint8Array([1, 2]), new Uint8Array([1, 2]), true],
  ['typed arrays of other kinds', new Uint8Array([1]), new Int8Array([1]), false],
  ['nested differences', { a: [{ b: new Set([1]) }] }, { a: [{ b: new Set([2]) }] }, false],
]

describe('one comparison of states', () => {
  it.each(cases)('%s', (_name, a, b, equal) => {
    expect(deepEqual(a, b)).toBe(equal)
    expect(diffValues(a, b).length === 0).toBe(equal)
    expect(deepEqual(b, a)).toBe(equal)
  })

  it('names where Maps and Sets differ', () => {
    expect(diffValues(new Map([['k', { v: 1 }]]), new Map([['k', { v: 2 }]]))).toEqual([
      { path: '.get("k").v', kind: 'changed', expected: 1, actual: 2 },
    ])
    expect(diffValues({ tags: new Set(['a']) }, { tags: new Set(['b']) })).toEqual([
      { path: 'tags.has(…)', kind: 'removed', expected: 'a' },
      { path: 'tags.has(…)', kind: 'added', actual: 'b' },
    ])
  })

  it('compares Maps of many entries in linear time', () => {
    const n = 50_000
    const a = new Map(Array.from({ length: n }, (_, i) => [i, { i }]))
    const b = new Map(Array.from({ length: n }, (_, i) => [n - 1 - i, { i: n - 1 - i }]))
    // A quadratic pairing would take minutes here; the count of differences is the check.
    expect(deepEqual(a, b)).toBe(true)
    b.set(7, { i: -1 })
    expect(diffValues(a, b)).toEqual([
      { path: '.get(7).i', kind: 'changed', expected: 7, actual: -1 },
    ])
  })
})
