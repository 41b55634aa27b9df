import { createStore } from '@strata/state'
import { describe, expect, it, vi } from 'vitest'
import { counter } from './fixtures'

function counterWith(n: number, options: Parameters<typeof createStore>[0]['history'] = {}) {
  const store = createStore({ initialState: { n: 0 }, reducer: counter, history: options })
  for (let i = 1; i <= n; i++) store.dispatch({ type: 'add', payload: i })
  return store
}
const sum = (k: number) => (k * (k + 1)) / 2

describe('history', () => {
  it('jumpTo shows the state after the first i events and tells subscribers', () => {
    const store = counterWith(5)
    const listener = vi.fn()
    store.subscribe(listener)
    store.history.jumpTo(2)
    expect(store.getState()).toEqual({ n: 3 })
    expect(listener).toHaveBeenLastCalledWith({ n: 3 }, { n: 15 })
    expect(store.history).toMatchObject({ cursor: 2, length: 5, isLive: false })
  })

  it('keeps recording at the head while the cursor is in the past', () => {
    const store = counterWith(3)
    store.history.jumpTo(1)
    store.dispatch({ type: 'add', payload: 100 })
    expect(store.getState()).toEqual({ n: 1 })
    expect(store.history).toMatchObject({ cursor: 1, length: 4, isLive: false })
    store.history.toLive()
    expect(store.getState()).toEqual({ n: 106 })
  })

  it('jumpTo(length) is live: the view follows new events', () => {
    const store = counterWith(3)
    store.history.jumpTo(0)
    store.history.jumpTo(3)
    expect(store.history.isLive).toBe(true)
    store.dispatch({ type: 'add', payload: 4 })
    expect(store.getState()).toEqual({ n: 10 })
    expect(store.history.cursor).toBe(4)
  })

  it('step moves by n and clamps at both ends', () => {
    const store = counterWith(4)
    store.history.step(-1)
    expect(store.getState()).toEqual({ n: sum(3) })
    store.history.step(-10)
    expect(store.history.cursor).toBe(0)
    expect(store.getState()).toEqual({ n: 0 })
    store.history.step(2)
    expect(store.getState()).toEqual({ n: sum(2) })
    store.history.step(99)
    expect(store.history.isLive).toBe(true)
  })

  it.each([[-1], [6], [1.5], [Number.NaN]])(
    'jumpTo(%s) throws a RangeError and keeps the view',
    (i) => {
      const store = counterWith(5)
      store.history.jumpTo(2)
      expect(() => store.history.jumpTo(i)).toThrow(
        /No state at index .*: use an integer from 0 to 5/,
      )
      expect(store.history.cursor).toBe(2)
    },
  )

  it('toggle skips an event, recomputes what follows, and un-skips it', () => {
    const store = counterWith(4)
    const second = store.logs.events[1]!
    expect(store.history.toggle(second.id)).toBe(true)
    expect(store.logs.events[1]!.skipped).toBe(true)
    expect(store.getState()).toEqual({ n: 1 + 3 + 4 })
    expect(store.logs.states.at(2)).toEqual({ n: 1 })
    expect(store.history.toggle(second.id)).toBe(false)
    expect(store.getState()).toEqual({ n: 10 })
  })

  it('toggle while viewing the past updates the viewed state', () => {
    const store = counterWith(4)
    store.history.jumpTo(3)
    const listener = vi.fn()
    store.subscribe(listener)
    store.history.toggle(store.logs.events[0]!.id)
    expect(store.getState()).toEqual({ n: 5 })
    expect(listener).toHaveBeenCalledWith({ n: 5 }, { n: 6 })
  })

  it('toggle of an unknown id throws and changes nothing', () => {
    const store = counterWith(2)
    expect(() => store.history.toggle('nope')).toThrow(/no event with id "nope"/)
    expect(store.getState()).toEqual({ n: 3 })
  })

  it('a skipped event that made the reducer throw loses its error', () => {
    const store = createStore({
      initialState: { n: 0 },
      reducer: (d: { n: number }, e: { type: 'boom' | 'inc' }) => {
        if (e.type === 'boom') throw new Error('boom')
        d.n++
      },
    })
    store.dispatch({ type: 'boom' })
    store.dispatch({ type: 'inc' })
    expect(store.logs.events[0]!.error).toBeInstanceOf(Error)
    store.history.toggle(store.logs.events[0]!.id)
    expect(store.logs.events[0]!.error).toBeUndefined()
    expect(store.getState()).toEqual({ n: 1 })
  })
})

describe('the state log', () => {
  it('answers every index from 0 to the number of events, with checkpoints every event', () => {
    const store = counterWith(50, { checkpointEveryMs: 0 })
    for (let i = 0; i <= 50; i++) expect(store.logs.states.at(i)).toEqual({ n: sum(i) })
    expect(store.logs.states.length).toBe(51)
  })

  it('answers every index from sparse checkpoints, in any order', () => {
    const store = counterWith(300, { checkpointEveryMs: 1e9 })
    const order = [299, 0, 150, 151, 149, 300, 1, 42, 42, 298]
    for (const i of order) expect(store.logs.states.at(i)).toEqual({ n: sum(i) })
  })

  it('throws a RangeError outside 0..length', () => {
    const store = counterWith(3)
    expect(() => store.logs.states.at(4)).toThrow(RangeError)
    expect(() => store.logs.states.at(-1)).toThrow(/use an integer from 0 to 3/)
  })

  it('calls the reducer for a jump only from the nearest checkpoint', () => {
    let calls = 0
    const store = createStore({
      initialState: { n: 0 },
      history: { checkpointEveryMs: 1e9 },
      reducer: (d: { n: number }, e: { type: 'add'; payload: number }) => {
        calls++
        d.n += e.payload
      },
    })
    for (let i = 1; i <= 100; i++) store.dispatch({ type: 'add', payload: i })
    calls = 0
    store.history.jumpTo(10)
    expect(calls).toBe(10)
    calls = 0
    store.history.step(-1)
    store.history.step(-1)
    store.history.step(3)
    expect(calls).toBe(1)
  })
})

describe('history.limit and commit', () => {
  it('folds the oldest events into the base state', () => {
    const store = counterWith(10, { limit: 3 })
    expect(store.history.length).toBe(3)
    expect(store.logs.events.map((e) => e.payload)).toEqual([8, 9, 10])
    expect(store.logs.commands.map((c) => c.payload)).toEqual([8, 9, 10])
    expect(store.logs.states.at(0)).toEqual({ n: sum(7) })
    expect(store.getState()).toEqual({ n: sum(10) })
    expect(store.getInitialState()).toEqual({ n: 0 })
  })

  it('keeps a viewed state stable while old events are folded away', () => {
    const store = counterWith(5, { limit: 5 })
    store.history.jumpTo(4)
    store.dispatch({ type: 'add', payload: 6 })
    expect(store.history.cursor).toBe(3)
    expect(store.getState()).toEqual({ n: sum(4) })
  })

  it('commit makes the viewed state the new base', () => {
    const store = counterWith(5)
    store.history.jumpTo(2)
    store.history.commit()
    expect(store.history.length).toBe(3)
    expect(store.history.cursor).toBe(0)
    expect(store.logs.states.at(0)).toEqual({ n: 3 })
    expect(store.getState()).toEqual({ n: 3 })
    store.history.toLive()
    expect(store.getState()).toEqual({ n: 15 })
  })

  it('refuses a limit that is not positive', () => {
    expect(() => counterWith(1, { limit: 0 })).toThrow(
      /history.limit expects a positive number, received number 0/,
    )
  })
})

describe('history.limit while viewing the past', () => {
  it('moves the view to the new base when the viewed state is folded away', () => {
    const store = counterWith(3, { limit: 3 })
    store.history.jumpTo(0)
    const seen: unknown[] = []
    store.subscribe((state) => seen.push(state))
    store.dispatch({ type: 'add', payload: 4 })
    expect(store.history.cursor).toBe(0)
    expect(store.getState()).toEqual({ n: 1 })
    expect(seen).toEqual([{ n: 1 }])
  })
})

describe('commit', () => {
  it('tells subscribers, since cursor and length change', () => {
    const store = counterWith(3)
    const listener = vi.fn()
    store.subscribe(listener)
    store.history.commit()
    expect(listener).toHaveBeenCalledTimes(1)
    expect(store.history).toMatchObject({ length: 0, cursor: 0 })
  })
})
