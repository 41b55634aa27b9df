import { createStore } from '@strata/state'
import { exportSession, replaySession } from '@strata/state/testing'
import { describe, expect, it } from 'vitest'
import { boardReducer } from './fixtures/kanban'
import { addReducer, counterSession, forgetfulReducer, kanbanSession } from './fixtures/sessions'

describe('replaySession, mode "events"', () => {
  it('replays a recorded session to the same states, at every checkpoint', () => {
    const { store, session } = kanbanSession()
    const result = replaySession(session, { reducer: boardReducer })
    expect(result.divergences).toEqual([])
    expect(result.ok).toBe(true)
    expect(result.finalState).toEqual(store.getState())
    expect(result.checkpoints.map((c) => c.index)).toEqual([5, 10, 15, 18])
    for (const cp of result.checkpoints) {
      expect(cp.matches).toBe(true)
      expect(cp.state).toEqual(store.logs.states.at(cp.index))
    }
  })

  it('skips the events skipped when recorded', () => {
    const { session } = kanbanSession()
    const skipped = session.events.findIndex((e) => e.skipped)
    expect(session.events[skipped]!.event.type).toBe('card/renamed')
    const unskipped = {
      ...session,
      events: session.events.map(({ skipped: _, ...e }) => e),
    }
    expect(replaySession(session, { reducer: boardReducer }).ok).toBe(true)
    const result = replaySession(unskipped, { reducer: boardReducer })
    expect(result.divergences[0]).toMatchObject({ index: skipped, exact: true })
  })

  it('names the first event after which a changed reducer makes another state, with the diff', () => {
    const { session } = kanbanSession()
    const firstDone = session.events.findIndex(
      (e) => e.event.type === 'card/moved' && (e.event as any).payload.to === 'done',
    )
    const result = replaySession(session, { reducer: forgetfulReducer })
    expect(result.ok).toBe(false)
    const [first] = result.divergences
    expect(first).toMatchObject({
      kind: 'state',
      index: firstDone,
      type: 'card/moved',
      eventId: session.events[firstDone]!.id,
      exact: true,
      from: 5,
      checkpoint: 10,
    })
    const id = (session.events[firstDone]!.event as any).payload.id
    expect(first!.diff).toMatch(
      new RegExp(`^cards\\["${id}"\\]\\.doneAt\\n  - Date\\(.+\\)\\n  \\+ undefined$`),
    )
  })

  it('judges each window from the recorded state, so each divergence is found on its own', () => {
    // 30 `add` events, checkpoints every 10; today's reducer ignores events 7 and 23 only.
    const session = counterSession(30, 10)
    const reducer = (d: { n: number }, e: { type: string; payload: number }) => {
      if (e.payload !== 7 && e.payload !== 23) d.n += e.payload
    }
    const result = replaySession(session, { reducer })
    expect(result.divergences.map((d) => [d.index, d.checkpoint])).toEqual([
      [6, 10],
      [22, 30],
    ])
    expect(result.divergences[1]!.diff).toBe('n\n  - 465\n  + 442')
    // Today's states, straight through, not re-seeded.
    expect(result.checkpoints.map((c) => (c.state as { n: number }).n)).toEqual([48, 203, 435])
    expect(result.finalState).toEqual({ n: 465 - 30 })
  })

  it('reports a difference that vanishes again before the checkpoint', () => {
    const session = counterSession(10, 10)
    // Adds 3 late (on event 4 instead of 3): states 3 differs, the total does not.
    const reducer = (d: { n: number }, e: { type: string; payload: number }) => {
      d.n += e.payload === 3 ? 0 : e.payload === 4 ? 7 : e.payload
    }
    const [d] = replaySession(session, { reducer }).divergences
    expect(d).toMatchObject({ index: 2, checkpoint: 10, diff: '' })
    expect(d!.summary).toContain('they agree again')
    // Checking only the checkpoints is blind to it, by design.
    expect(replaySession(session, { reducer, check: 'checkpoints' }).ok).toBe(true)
  })

  it('with check: "checkpoints", still names the exact first diverging event of a window', () => {
    const session = counterSession(30, 10)
    const reducer = (d: { n: number }, e: { type: string; payload: number }) => {
      d.n += e.payload === 17 ? 0 : e.payload
    }
    const every = replaySession(session, { reducer })
    const fast = replaySession(session, { reducer, check: 'checkpoints' })
    expect(fast.divergences).toEqual(every.divergences)
    expect(fast.divergences.map((d) => [d.index, d.exact, d.diff])).toEqual([
      [16, true, 'n\n  - 210\n  + 193'],
    ])
  })

  it('without per-event hashes names only the window', () => {
    const session = counterSession(20, 10, { hashes: false })
    expect(session.events.every((e) => e.hash === undefined)).toBe(true)
    const reducer = (d: { n: number }, e: { type: string; payload: number }) => {
      d.n += e.payload === 13 ? 0 : e.payload
    }
    const [d] = replaySession(session, { reducer }).divergences
    expect(d).toMatchObject({ exact: false, from: 10, checkpoint: 20, index: 10 })
    expect(d!.summary).toContain('one of events 10 to 19')
  })

  it('keeps the state when today’s reducer throws, and lists the error', () => {
    const session = counterSession(3, 10)
    const reducer = (d: { n: number }, e: { type: string; payload: number }) => {
      if (e.payload === 2) throw new Error('boom')
      d.n += e.payload
    }
    const result = replaySession(session, { reducer })
    expect(result.errors).toEqual([{ index: 1, type: 'add', error: new Error('boom') }])
    expect(result.finalState).toEqual({ n: 4 })
    expect(result.divergences[0]).toMatchObject({ index: 1 })
  })

  it('replays a session of a store whose history.limit folded old events', () => {
    const store = createStore({
      initialState: { n: 0 },
      reducer: addReducer,
      history: { limit: 5 },
    })
    for (let i = 1; i <= 12; i++) store.dispatch({ type: 'add', payload: i })
    const session = exportSession(store, { checkpointEvery: 2 })
    expect(session.initialState).toEqual({ n: 28 })
    expect(replaySession(session, { reducer: addReducer }).finalState).toEqual({ n: 78 })
  })

  it('rejects a config without a reducer or with a bad mode', () => {
    const session = counterSession(1, 1)
    expect(() => replaySession(session, {} as never)).toThrow(
      /\[strata\] replaySession expects a config/,
    )
    expect(() => replaySession(session, { reducer: addReducer, mode: 'state' as never })).toThrow(
      'mode must be "events" or "commands", received "state"',
    )
    expect(() => replaySession(session, { reducer: addReducer, check: 'all' as never })).toThrow(
      'check must be "every-event" or "checkpoints", received "all"',
    )
    expect(() => replaySession(session, { reducer: addReducer, mode: 'commands' })).toThrow(
      /needs today's `commands` handlers/,
    )
  })
})

describe('events a server rejected', () => {
  it('are exported as skipped with the reason, and replay without a divergence', async () => {
    const { replicaOf } = await import('@strata/state/sync')
    const { loadSession, serializeSession } = await import('@strata/state/testing')
    const reducer = (d: { n: number }, e: { type: 'add'; payload: number }) => {
      d.n += e.payload
    }
    const store = createStore({ initialState: { n: 0 }, reducer })
    store.dispatch({ type: 'add', payload: 1 })
    store.dispatch({ type: 'add', payload: 10 })
    const refused = store.logs.events[1]!.id
    replicaOf(store).reject(refused, new Error('not allowed'))
    expect(store.getState()).toEqual({ n: 1 })
    const session = loadSession(serializeSession(exportSession(store)))
    expect(session.events.find((e) => e.id === refused)).toMatchObject({
      skipped: true,
      rejected: 'Error: not allowed',
    })
    const result = replaySession(session, { reducer })
    expect(result.divergences).toEqual([])
    expect(result.finalState).toEqual({ n: 1 })
  })
})
