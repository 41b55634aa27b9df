// @vitest-environment jsdom
import { timeTravel } from '@strata/state/zustand'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createJSONStorage, devtools, persist } from 'zustand/middleware'
import { createStore } from 'zustand/vanilla'

interface Counter {
  count: number
  inc: () => void
}

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial))
  return {
    items,
    storage: createJSONStorage(() => ({
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    })),
  }
}

const saved = (items: Map<string, string>) => JSON.parse(items.get('counter')!).state

afterEach(() => {
  delete (window as { __REDUX_DEVTOOLS_EXTENSION__?: unknown }).__REDUX_DEVTOOLS_EXTENSION__
})

describe('timeTravel composed with zustand middlewares', () => {
  it('inside persist: hydration is recorded, sets and jumps are saved', () => {
    const { items, storage } = memoryStorage({
      counter: JSON.stringify({ state: { count: 40 }, version: 0 }),
    })
    const api = createStore<Counter>()(
      persist(
        timeTravel((set) => ({
          count: 0,
          inc: () => set((s) => ({ count: s.count + 1 }), false, 'inc'),
        })),
        { name: 'counter', storage },
      ),
    )
    expect(api.getState().count).toBe(40)
    expect(api.strata.logs.events.map((e) => e.type)).toEqual(['external'])
    api.getState().inc()
    expect(saved(items)).toEqual({ count: 41 })
    api.strata.history.jumpTo(0)
    expect(api.getState().count).toBe(0)
    expect(saved(items)).toEqual({ count: 0 })
    api.strata.history.toLive()
    expect(api.getState().count).toBe(41)
  })

  it('around persist: hydration and sets go through the recorded set', () => {
    const { items, storage } = memoryStorage({
      counter: JSON.stringify({ state: { count: 7 }, version: 0 }),
    })
    const api = createStore<Counter>()(
      timeTravel(
        persist(
          (set) => ({ count: 0, inc: () => set((s) => ({ count: s.count + 1 }), false, 'inc') }),
          { name: 'counter', storage },
        ),
      ),
    )
    api.getState().inc()
    expect(api.getState().count).toBe(8)
    expect(saved(items)).toEqual({ count: 8 })
    expect(api.strata.logs.events.map((e) => e.type)).toEqual(['inc'])
  })

  it('inside devtools: the extension sees each set under its recorded name', () => {
    const send = vi.fn()
    ;(window as { __REDUX_DEVTOOLS_EXTENSION__?: unknown }).__REDUX_DEVTOOLS_EXTENSION__ = {
      connect: () => ({ init: vi.fn(), send, subscribe: () => () => {}, unsubscribe() {} }),
    }
    const api = createStore<Counter>()(
      devtools(
        timeTravel((set) => ({
          count: 0,
          inc: () => set((s) => ({ count: s.count + 1 }), false, 'counter/inc'),
        })),
        { enabled: true },
      ),
    )
    api.getState().inc()
    api.setState({ count: 5 }, false, 'reset')
    api.strata.history.jumpTo(1)
    expect(send.mock.calls.map(([action, state]) => [action.type, state.count])).toEqual([
      ['counter/inc', 1],
      ['reset', 5],
      ['strata/history', 1],
    ])
    expect(api.strata.logs.events.map((e) => e.type)).toEqual(['counter/inc', 'reset'])
  })
})
