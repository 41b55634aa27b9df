import { createStore } from '@strata/state'
import { diffValues, exportSession, hashState, printDiff } from '@strata/state/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

describe('diffValues and printDiff', () => {
  it('names each differing path with the recorded (-) and replayed (+) values', () => {
    const expected = {
      todos: [
        { id: 'a', done: true },
        { id: 'b', done: false },
      ],
      filter: 'all',
    }
    const actual = { todos: [{ id: 'a', done: false }], filter: 'all', extra: 1 }
    expect(printDiff(expected, actual)).toBe(
      [
        'todos[0].done',
        '  - true',
        '  + false',
        'todos[1]',
        '  - { id: "b", done: false }',
        'extra',
        '  + 1',
      ].join('\n'),
    )
  })

  it('treats key order, Map order and Set order as equal, and -0, NaN, kinds as values', () => {
    expect(diffValues({ a: 1, b: 2 }, { b: 2, a: 1 })).toEqual([])
    expect(
      diffValues(
        new Map([
          [1, 'x'],
          [2, 'y'],
        ]),
        new Map([
          [2, 'y'],
          [1, 'x'],
        ]),
      ),
    ).toEqual([])
    expect(diffValues(new Set([{ a: 1 }, 2]), new Set([2, { a: 1 }]))).toEqual([])
    expect(diffValues(Number.NaN, Number.NaN)).toEqual([])
    expect(diffValues(0, -0)).toHaveLength(1)
    expect(diffValues(new Date(5), new Date(5))).toEqual([])
    expect(diffValues(new Date(5), 5)).toHaveLength(1)
    expect(diffValues(new Uint8Array([1]), new Int8Array([1]))).toHaveLength(1)
    expect(diffValues({ a: undefined }, {})).toEqual([
      { path: 'a', kind: 'removed', expected: undefined },
    ])
  })

  it('prints Map, Set and odd keys readably', () => {
    const text = printDiff(
      { byId: new Map([['u1', { n: 1 }]]), tags: new Set(['a']), 'odd key': 1 },
      { byId: new Map([['u1', { n: 2 }]]), tags: new Set(['b']), 'odd key': 2 },
    )
    expect(text).toContain('byId.get("u1").n\n  - 1\n  + 2')
    expect(text).toContain('tags.has(…)\n  - "a"')
    expect(text).toContain('tags.has(…)\n  + "b"')
    expect(text).toContain('["odd key"]\n  - 1\n  + 2')
  })

  it('summarises past the first 20 differences', () => {
    const a = Array.from({ length: 30 }, (_, i) => i)
    const b = a.map((i) => i + 1)
    expect(printDiff(a, b)).toMatch(/… and 10 more differences$/)
  })
})

describe('hashState', () => {
  it('agrees with diffValues: equal values hash equal, a changed leaf changes the hash', () => {
    const base = { list: [1, 2, { deep: new Map([['k', new Set([1n])]]) }], when: new Date(3) }
    expect(hashState(structuredClone(base))).toBe(hashState(base))
    expect(hashState({ b: 1, a: 2 })).toBe(hashState({ a: 2, b: 1 }))
    expect(
      hashState({ list: [1, 2, { deep: new Map([['k', new Set([2n])]]) }], when: new Date(3) }),
    ).not.toBe(hashState(base))
    expect(hashState([1, 2])).not.toBe(hashState([2, 1]))
    expect(hashState({ a: [] })).not.toBe(hashState({ a: {} }))
    expect(hashState(0)).not.toBe(hashState(-0))
    expect(hashState('1')).not.toBe(hashState(1))
  })

  it.each([true, false])('caches by identity soundly over a log of states (immer: %s)', (immer) => {
    type S = { items: { id: number; done: boolean }[] }
    const store = createStore({
      initialState: { items: [] } as S,
      immer,
      reducer: (s: S, e: { type: 'add'; payload: number }): S => {
        const items = [...s.items, { id: e.payload, done: false }]
        const k = e.payload >> 1
        if (e.payload % 3 === 0) items[k] = { ...items[k]!, done: !items[k]!.done }
        return { ...s, items }
      },
    })
    for (let i = 0; i < 60; i++) store.dispatch({ type: 'add', payload: i })
    const session = exportSession(store, { checkpointEvery: 7 })
    session.events.forEach((e, i) => {
      expect(e.hash).toBe(hashState(structuredClone(store.logs.states.at(i + 1))))
    })
  })

  it('is equal exactly when diffValues finds nothing, for any pair of values (property)', () => {
    const value = fc.anything({
      withMap: true,
      withSet: true,
      withDate: true,
      withBigInt: true,
      maxDepth: 3,
    })
    fc.assert(
      fc.property(value, value, (a, b) => {
        if (diffValues(a, b).length === 0) expect(hashState(a)).toBe(hashState(b))
        else expect(hashState(a)).not.toBe(hashState(b))
        expect(hashState(structuredClone(a))).toBe(hashState(a))
      }),
      { numRuns: 300 },
    )
  })
})

describe('diffValues on look-alike members', () => {
  it('counts structurally equal Set members and Map keys, as hashState does', () => {
    const two = new Set([{ a: 1 }, { a: 1 }])
    const one = new Set([{ a: 1 }])
    expect(diffValues(two, one)).toEqual([{ path: '.has(…)', kind: 'removed', expected: { a: 1 } }])
    expect(hashState(two)).not.toBe(hashState(one))
    const keys = new Map([
      [{ k: 1 }, 'x'],
      [{ k: 1 }, 'y'],
    ])
    expect(
      diffValues(
        keys,
        new Map([
          [{ k: 1 }, 'x'],
          [{ k: 1 }, 'y'],
        ]),
      ),
    ).toEqual([])
    expect(diffValues(keys, new Map([[{ k: 1 }, 'x']]))).toHaveLength(1)
  })
})
