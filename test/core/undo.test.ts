import { createStore } from '@strata/state'
import { replicaOf } from '@strata/state/sync'
import { describe, expect, it } from 'vitest'

type Todos = Record<string, string>
type Ev =
  | { type: 'added'; payload: { id: string; text: string } }
  | { type: 'renamed'; payload: { id: string; text: string } }
  | { type: 'removed'; payload: { id: string } }

function todos() {
  return createStore({
    initialState: {} as Todos,
    reducer: (draft: Todos, e: Ev) => {
      if (e.type === 'removed') delete draft[e.payload.id]
      else draft[e.payload.id] = e.payload.text
    },
    commands: {
      add: (s: Todos, p: { id: string; text: string }) => {
        if (s[p.id] !== undefined) throw new Error(`${p.id} exists`)
        return { type: 'added' as const, payload: p }
      },
      // `from`: what the text must still be (an undo never overwrites a later change).
      rename: (s: Todos, p: { id: string; text: string; from?: string }) => {
        if (s[p.id] === undefined) throw new Error(`No ${p.id}`)
        if (p.from !== undefined && s[p.id] !== p.from) throw new Error(`${p.id} changed since`)
        return { type: 'renamed' as const, payload: { id: p.id, text: p.text } }
      },
      remove: (s: Todos, p: { id: string }) => {
        if (s[p.id] === undefined) throw new Error(`No ${p.id}`)
        return { type: 'removed' as const, payload: p }
      },
      noted: () => [],
    },
    inverses: {
      add: (_before, p) => ({ type: 'remove', payload: { id: p.id } }),
      rename: (before, p) => ({
        type: 'rename',
        payload: { id: p.id, text: before[p.id]!, from: p.text },
      }),
      remove: (before, p) => ({ type: 'add', payload: { id: p.id, text: before[p.id]! } }),
    },
  })
}

describe('undo and redo', () => {
  it('dispatch compensating commands, recorded like any other', () => {
    const store = todos()
    store.dispatch({ type: 'add', payload: { id: 'a', text: 'milk' } })
    store.dispatch({ type: 'rename', payload: { id: 'a', text: 'oat milk' } })
    expect([store.canUndo, store.canRedo]).toEqual([true, false])
    const undone = store.undo()!
    expect(undone.command.command).toEqual({
      type: 'rename',
      payload: { id: 'a', text: 'milk', from: 'oat milk' },
    })
    expect(store.getState()).toEqual({ a: 'milk' })
    store.undo()
    expect(store.getState()).toEqual({})
    expect([store.canUndo, store.canRedo]).toEqual([false, true])
    expect(store.undo()).toBeUndefined()
    store.redo()
    store.redo()
    expect(store.getState()).toEqual({ a: 'oat milk' })
    expect(store.redo()).toBeUndefined()
    // Every step is in the logs: nothing was rewound.
    expect(store.logs.commands.map((c) => c.type)).toEqual([
      'add',
      'rename',
      'rename',
      'remove',
      'add',
      'rename',
    ])
    expect(store.history.isLive).toBe(true)
    // And undone again.
    store.undo()
    expect(store.getState()).toEqual({ a: 'milk' })
  })

  it('a new command empties the redo stack; commands without an inverse are not undone', () => {
    const store = todos()
    store.dispatch({ type: 'add', payload: { id: 'a', text: 'x' } })
    store.undo()
    expect(store.canRedo).toBe(true)
    store.dispatch({ type: 'add', payload: { id: 'b', text: 'y' } })
    expect(store.canRedo).toBe(false)
    store.dispatch({ type: 'noted' })
    // 'noted' made no events and has no inverse: undo goes to the add.
    store.undo()
    expect(store.getState()).toEqual({})
  })

  it('an undo that the state no longer allows is refused like any command', () => {
    const store = todos()
    store.dispatch({ type: 'add', payload: { id: 'a', text: 'x' } })
    store.dispatch({ type: 'rename', payload: { id: 'a', text: 'y' } })
    // Both are stored, then another writer renames it again.
    const echoes = store.logs.events.map((e, i) => ({
      id: e.id,
      event: e.event,
      at: e.at,
      position: `v1:${i + 1}`,
    }))
    replicaOf(store).pull([
      ...echoes,
      {
        id: 'r1',
        event: { type: 'renamed', payload: { id: 'a', text: 'theirs' } },
        at: 1,
        position: 'v1:3',
      },
    ])
    const result = store.undo()!
    expect(result.error).toEqual(new Error('a changed since'))
    expect(store.getState()).toEqual({ a: 'theirs' })
    // That undo is spent; the next one inverts the add.
    store.undo()
    expect(store.getState()).toEqual({})
  })

  it('skips commands that were rejected, lost, or made no events', () => {
    const store = todos()
    store.dispatch({ type: 'add', payload: { id: 'a', text: 'x' } })
    store.dispatch({ type: 'add', payload: { id: 'b', text: 'y' } })
    const b = store.logs.events.at(-1)!
    replicaOf(store).reject(b.id, { code: 'invalid' })
    store.dispatch({ type: 'add', payload: { id: 'a', text: 'again' } })
    store.undo()
    expect(store.getState()).toEqual({})
  })

  it('computes the inverse from the state before the command as the log has it after a rebase', () => {
    const store = todos()
    store.dispatch({ type: 'add', payload: { id: 'a', text: 'x' } })
    const [added] = store.logs.events
    // The add is settled, then a remote rename lands before our own pending rename.
    replicaOf(store).pull([
      { id: added!.id, event: added!.event, at: added!.at, position: 'v1:1' },
      {
        id: 'r1',
        event: { type: 'renamed', payload: { id: 'a', text: 'remote' } },
        at: 1,
        position: 'v1:2',
      },
    ])
    store.dispatch({ type: 'rename', payload: { id: 'a', text: 'mine' } })
    const undo = store.undo()!
    expect(undo.command.payload).toEqual({ id: 'a', text: 'remote', from: 'mine' })
  })

  it('an inverse may not dispatch, and gets no store access', () => {
    const store = createStore({
      initialState: { n: 0 },
      reducer: (d: { n: number }, e: { type: 'set'; payload: number }) => {
        d.n = e.payload
      },
      commands: { set: (_s: { n: number }, n: number) => ({ type: 'set' as const, payload: n }) },
      inverses: {
        set: (before) => {
          store.dispatch({ type: 'set', payload: 99 })
          return { type: 'set', payload: before.n }
        },
      },
    })
    store.dispatch({ type: 'set', payload: 1 })
    expect(() => store.undo()).toThrow(/may not dispatch/)
    expect(store.getState()).toEqual({ n: 1 })
  })
})
