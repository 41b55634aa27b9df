import { describe, expect, it } from 'vitest'
import { foldRun } from '../../src/server/snapshotFold'

type Ev = { type: string; n?: number }
const config = (reducer: (draft: any, event: Ev) => unknown, immer?: boolean) => ({
  name: 'board',
  version: 1,
  initialState: { items: [] as number[] },
  reducer,
  ...(immer === false && { immer }),
})
const run: Ev[] = [
  { type: 'add', n: 1 },
  { type: 'bad', n: 2 },
  { type: 'add', n: 3 },
]

describe('foldRun: a run of events on one immer draft', () => {
  it('keeps what the events before and after a throwing one did, and none of its half-done work', () => {
    const threw: [number, string][] = []
    const state = foldRun(
      config((draft, event) => {
        draft.items.push(event.n)
        if (event.type === 'bad') throw new Error(`bad ${event.n}`)
      }),
      { items: [0] },
      run,
      (i, cause) => threw.push([i, (cause as Error).message]),
    )
    expect(state).toEqual({ items: [0, 1, 3] })
    expect(threw).toEqual([[1, 'bad 2']])
  })

  it.each([
    ['returns a new state', (d: any, e: Ev) => ({ items: [...d.items, e.n] })],
    [
      'returns its draft',
      (d: any, e: Ev) => {
        d.items.push(e.n)
        return d
      },
    ],
    ['mutates its draft', (d: any, e: Ev) => void d.items.push(e.n)],
  ])('folds a reducer that %s as event by event', (_, reducer) => {
    const input = { items: [0] }
    expect(foldRun(config(reducer), input, run, () => {})).toEqual({ items: [0, 1, 2, 3] })
    expect(input).toEqual({ items: [0] })
  })

  it('folds a plain reducer (immer: false) event by event', () => {
    const reducer = (s: any, e: Ev) => {
      if (e.type === 'bad') throw new Error('bad')
      return { items: [...s.items, e.n] }
    }
    const threw: number[] = []
    expect(foldRun(config(reducer, false), { items: [] }, run, (i) => threw.push(i))).toEqual({
      items: [1, 3],
    })
    expect(threw).toEqual([1])
  })
})
