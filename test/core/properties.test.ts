import { createStore, type Store } from '@strata/state'
import fc from 'fast-check'
import { produce } from 'immer'
import { describe, expect, it } from 'vitest'

// A small domain where reducers and handlers can disagree, throw, and use ctx.
type Ev = { type: 'add'; payload: number } | { type: 'mul'; payload: number } | { type: 'fail' }
type State = { n: number; seen: number[] }
const initialState: State = { n: 0, seen: [] }

const reducers = [
  (d: State, e: Ev) => {
    if (e.type === 'fail') throw new Error('fail')
    d.n = e.type === 'add' ? d.n + e.payload : d.n * e.payload
    d.seen.push(e.payload)
  },
  (d: State, e: Ev) => {
    if (e.type === 'add') d.n -= e.payload
    if (e.type === 'mul') d.seen.push(e.payload)
  },
]

const handlerSets = [
  {
    add: (_s: State, p: number) => ({ type: 'add' as const, payload: p }),
    roll: (_s: State, _p: unknown, ctx: { random(): number }) => ({
      type: 'add' as const,
      payload: Math.floor(ctx.random() * 10),
    }),
    twice: (s: State, p: number) =>
      s.n > 100
        ? undefined
        : [
            { type: 'add' as const, payload: p },
            { type: 'mul' as const, payload: 2 },
          ],
    fail: () => ({ type: 'fail' as const }),
  },
  {
    add: (s: State, p: number) => {
      if (s.n < -50) throw new Error('too low')
      return { type: 'mul' as const, payload: p }
    },
    roll: (_s: State, _p: unknown, ctx: { random(): number; now(): number }) => [
      { type: 'add' as const, payload: Math.floor(ctx.random() * 10) + (ctx.now() > 0 ? 1 : 0) },
    ],
    twice: () => [],
    fail: () => ({ type: 'fail' as const }),
  },
]

/** The specification: a plain fold of the non-skipped events, keeping the state on a throw. */
function plainFold(
  events: Store<State>['logs']['events'],
  count: number,
  reducer: (d: State, e: Ev) => void,
) {
  let state = initialState
  for (const entry of events.slice(0, count)) {
    if (entry.skipped) continue
    try {
      state = produce(state, (d) => reducer(d, entry.event as Ev))
    } catch {}
  }
  return state
}

const op = fc.oneof(
  fc.record({
    kind: fc.constant('dispatch' as const),
    type: fc.constantFrom('add', 'roll', 'twice', 'fail'),
    payload: fc.integer({ min: -5, max: 5 }),
  }),
  fc.record({ kind: fc.constant('jump' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('toggle' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('reducer' as const), which: fc.nat(1) }),
  fc.record({ kind: fc.constant('commands' as const), which: fc.nat(1) }),
)

describe('re-derivation properties', () => {
  it('every state equals a plain fold of the first i non-skipped events, after any operations', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 60 }),
        fc.constantFrom(0, 0.002, 1e9),
        fc.option(fc.integer({ min: 3, max: 20 }), { nil: undefined }),
        (ops, checkpointEveryMs, limit) => {
          let reducer = reducers[0]!
          const store = createStore({
            initialState,
            reducer,
            commands: handlerSets[0]!,
            history: limit === undefined ? { checkpointEveryMs } : { checkpointEveryMs, limit },
          })
          for (const o of ops) {
            const length = store.history.length
            if (o.kind === 'dispatch') store.dispatch({ type: o.type, payload: o.payload } as never)
            if (o.kind === 'jump') store.history.jumpTo(o.at % (length + 1))
            if (o.kind === 'toggle' && length > 0)
              store.history.toggle(store.logs.events[o.at % length]!.id)
            if (o.kind === 'reducer') {
              reducer = reducers[o.which]!
              store.hot.replaceReducer(reducer)
            }
            if (o.kind === 'commands') store.hot.replaceCommands(handlerSets[o.which]!)
          }
          const events = store.logs.events
          const base = store.logs.states.at(0)
          // With a limit, the base is itself a fold of dropped events; compare from it.
          const fold = (count: number) => {
            let state = base
            for (const entry of events.slice(0, count)) {
              if (entry.skipped) continue
              try {
                state = produce(state, (d) => reducer(d, entry.event as Ev))
              } catch {}
            }
            return state
          }
          if (limit === undefined) expect(base).toEqual(initialState)
          for (let i = events.length; i >= 0; i--) expect(store.logs.states.at(i)).toEqual(fold(i))
          expect(store.getState()).toEqual(fold(store.history.cursor))
        },
      ),
      { numRuns: 150 },
    )
  })

  it('replaceCommands with unchanged handlers reproduces the event log exactly', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const store = createStore({
          initialState,
          reducer: reducers[0]!,
          commands: handlerSets[0]!,
        })
        for (const o of ops) {
          if (o.kind === 'dispatch') store.dispatch({ type: o.type, payload: o.payload } as never)
          if (o.kind === 'toggle' && store.history.length > 0) {
            store.history.toggle(store.logs.events[o.at % store.history.length]!.id)
          }
        }
        const before = JSON.stringify([store.logs.events, store.logs.commands, store.getState()])
        const report = store.hot.replaceCommands({ ...handlerSets[0]! })
        expect(JSON.stringify([store.logs.events, store.logs.commands, store.getState()])).toBe(
          before,
        )
        expect(report.changed).toBe(false)
      }),
      { numRuns: 150 },
    )
  })

  it('jumpTo and toggle round-trip', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 50 }),
        fc.nat(),
        (payloads, k) => {
          const store = createStore({
            initialState,
            reducer: reducers[0]!,
            history: { checkpointEveryMs: 0.001 },
          })
          for (const payload of payloads) store.dispatch({ type: 'add', payload })
          const live = store.getState()
          const id = store.logs.events[k % payloads.length]!.id
          store.history.toggle(id)
          store.history.toggle(id)
          store.history.jumpTo(k % (payloads.length + 1))
          expect(store.getState()).toEqual(
            plainFold(store.logs.events, k % (payloads.length + 1), reducers[0]!),
          )
          store.history.toLive()
          expect(store.getState()).toEqual(live)
        },
      ),
    )
  })
})
