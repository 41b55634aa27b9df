import type { HotReport, Reducer } from '@strata/state'
import { hotStore } from '@strata/state/react'
import { afterEach, describe, expect, it, vi } from 'vitest'

type Ev = { type: 'added'; payload: number }
type State = { n: number }

const addOnce: Reducer<State, Ev> = (d, e) => {
  d.n += e.payload
}
const addTwice: Reducer<State, Ev> = (d, e) => {
  d.n += 2 * e.payload
}
const commandsV1 = { add: (_s: State, p: number) => ({ type: 'added' as const, payload: p }) }
const commandsV2 = { add: (_s: State, p: number) => ({ type: 'added' as const, payload: p + 1 }) }

/** What Vite's `import.meta.hot` does for one module: data kept across runs, disposers. */
function fakeViteHot() {
  const data: Record<string, any> = {}
  let disposers: ((data: Record<string, any>) => void)[] = []
  let selfAccepted = 0
  return {
    data,
    accept: () => void selfAccepted++,
    dispose: (cb: (data: Record<string, any>) => void) => void disposers.push(cb),
    /** Vite before re-running the module: disposers get the same data object. */
    beforeUpdate() {
      for (const dispose of disposers) dispose(data)
      disposers = []
    },
    get selfAccepted() {
      return selfAccepted
    },
  }
}

/** The example's store module: run again as Vite re-runs it after an edit. */
function storeModule(
  hot: ReturnType<typeof fakeViteHot> | undefined,
  reducer: Reducer<State, Ev>,
  commands: typeof commandsV1,
  onReport?: (r: HotReport) => void,
) {
  const store = hotStore(
    hot,
    onReport ? { onReport } : {},
  )({
    initialState: { n: 0 },
    reducer,
    commands,
  })
  hot?.accept()
  return store
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('hotStore', () => {
  it('keeps the store when the module re-runs and re-applies the log with a new reducer', () => {
    const hot = fakeViteHot()
    const reports: HotReport[] = []
    const first = storeModule(hot, addOnce, commandsV1, (r) => reports.push(r))
    first.dispatch({ type: 'add', payload: 1 })
    first.dispatch({ type: 'add', payload: 2 })
    const listener = vi.fn()
    first.subscribe(listener)

    hot.beforeUpdate()
    const second = storeModule(hot, addTwice, commandsV1, (r) => reports.push(r))
    expect(second).toBe(first)
    expect(second.getState()).toEqual({ n: 6 })
    expect(second.logs.commands).toHaveLength(2)
    expect(listener).toHaveBeenLastCalledWith({ n: 6 }, { n: 3 })
    expect(reports).toEqual([
      expect.objectContaining({ kind: 'reducer', changed: true, firstChangedIndex: 0 }),
    ])
    expect(hot.selfAccepted).toBe(2)
  })

  it('re-runs the recorded commands through new handlers', () => {
    const hot = fakeViteHot()
    const store = storeModule(hot, addOnce, commandsV1, () => {})
    store.dispatch({ type: 'add', payload: 1 })
    store.dispatch({ type: 'add', payload: 1 })
    const ids = store.logs.events.map((e) => e.id)
    const reports: HotReport[] = []
    storeModule(hot, addOnce, commandsV2, (r) => reports.push(r))
    expect(store.getState()).toEqual({ n: 4 })
    expect(store.logs.events.map((e) => e.id)).toEqual(ids)
    expect(reports).toEqual([expect.objectContaining({ kind: 'commands', eventsChanged: 2 })])
  })

  it('replaces nothing when neither the reducer nor the commands changed', () => {
    const hot = fakeViteHot()
    const store = storeModule(hot, addOnce, commandsV1, () => {})
    store.dispatch({ type: 'add', payload: 5 })
    const onReport = vi.fn()
    storeModule(hot, addOnce, commandsV1, onReport)
    expect(onReport).not.toHaveBeenCalled()
    expect(store.hot.reports).toHaveLength(0)
    expect(store.getState()).toEqual({ n: 5 })
  })

  it('logs what changed by default', () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {})
    const hot = fakeViteHot()
    const store = storeModule(hot, addOnce, commandsV1)
    store.dispatch({ type: 'add', payload: 1 })
    storeModule(hot, addTwice, commandsV1)
    expect(info).toHaveBeenCalledWith(
      '[strata] hot reload: new reducer; states differ from event #0 (added).',
    )
  })

  it('keeps several stores of one module apart by key', () => {
    const hot = fakeViteHot()
    const make = (key: string) =>
      hotStore(hot, { key })({ initialState: { n: 0 }, reducer: addOnce })
    const a = make('a')
    const b = make('b')
    expect(a).not.toBe(b)
    expect(make('a')).toBe(a)
  })

  it('is createStore without a hot context (production)', () => {
    const a = storeModule(undefined, addOnce, commandsV1)
    const b = storeModule(undefined, addOnce, commandsV1)
    expect(a).not.toBe(b)
    a.dispatch({ type: 'add', payload: 1 })
    expect(a.getState()).toEqual({ n: 1 })
  })
})
