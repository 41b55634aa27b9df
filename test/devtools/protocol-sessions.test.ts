import { restoreStore } from '@strata/state/inspect'
import { replicaOf } from '@strata/state/sync'
import { describe, expect, it, vi } from 'vitest'
import { connect } from './connect'
import {
  commandStore,
  eventStore,
  history,
  type TodoState,
  todoCommands,
  todoReducer,
} from './fixtures'

describe('inspect protocol: sessions, rollback, reset and lock', () => {
  it('exports a versioned session and hands an import to `load` to swap stores', async () => {
    let loaded: unknown
    const { store, client } = connect(history(), { load: (s) => (loaded = s) })
    const events = store.logs.events
    const { text, fileName } = await client.request({ type: 'export' })
    expect(fileName).toMatch(/^strata-default-.*\.session\.json$/)
    const session = JSON.parse(text)
    expect(session).toMatchObject({
      format: 'strata.session',
      version: 1,
      initialState: { todos: [] },
    })
    expect(session.events).toHaveLength(5)
    // The session format keeps the error's name with its message.
    expect(session.events[3].error).toBe('Error: No todo zzz')
    await client.request({ type: 'import', text })
    expect(loaded).toEqual(session)
    // The app swaps stores: its own store is left as it was.
    expect(store.logs.events).toBe(events)
    const restored = restoreStore<TodoState>(session, { reducer: todoReducer })
    expect(restored.getState()).toEqual(history().getState())
    expect(restored.logs.events.map((e) => e.id)).toEqual(events.map((e) => e.id))
    expect(restored.logs.commands.map((c) => c.id)).toEqual(store.logs.commands.map((c) => c.id))
    await expect(
      client.request({ type: 'import', text: '{"format":"strata.session","version":9}' }),
    ).rejects.toThrow(/expected version 1, received number 9. The file was written by a newer/)
  })

  it('imports into the same store without `load`: ids, skips and commands kept', async () => {
    const source = commandStore()
    source.dispatch({ type: 'add', payload: { text: 'one' } })
    source.dispatch({ type: 'add', payload: { text: '' } })
    source.dispatch({ type: 'add', payload: { text: 'two' } })
    source.history.toggle(source.logs.events[0]!.id)
    const { text } = await connect(source).client.request({ type: 'export' })

    const store = commandStore()
    store.dispatch({ type: 'add', payload: { text: 'zzz' } })
    store.history.jumpTo(0)
    const { client } = connect(store)
    expect((await client.request({ type: 'meta' })).features.import).toBe(true)
    const before = client.meta!.logRevision
    const meta = await client.request({ type: 'import', text })
    expect(meta).toMatchObject({ length: 2, cursor: 2, isLive: true, commands: 3 })
    expect(meta.logRevision).toBeGreaterThan(before)
    expect(store.getState()).toEqual(source.getState())
    expect(store.logs.events.map((e) => [e.id, e.skipped])).toEqual(
      source.logs.events.map((e) => [e.id, e.skipped]),
    )
    expect(store.logs.commands.map((c) => [c.id, c.ctx, c.eventIds])).toEqual(
      source.logs.commands.map((c) => [c.id, c.ctx, c.eventIds]),
    )
    expect(String(store.logs.commands[1]!.error)).toMatch('A todo needs a text')
    // The commands re-run as recorded: the same uuids, so the same events.
    expect(store.hot.replaceCommands({ ...todoCommands }).changed).toBe(false)
    const rows = await client.request({ type: 'events', start: 0, end: 2 })
    expect(rows.map((r) => r.skipped)).toEqual([true, false])
  })

  it('keeps a server rejection through export and import', async () => {
    const source = history()
    const id = source.logs.events[4]!.id
    replicaOf(source).reject(id, new Error('Filters are off'))
    // A rejection settles the event: it moves to the front of the log.
    expect(source.logs.events[0]!.id).toBe(id)
    const { text } = await connect(source).client.request({ type: 'export' })
    const store = eventStore()
    const { client } = connect(store)
    await client.request({ type: 'import', text })
    expect(store.getState()).toEqual(source.getState())
    expect(store.getState().filter).toBe('all')
    expect(store.logs.events[0]).toMatchObject({
      id,
      skipped: false,
      rejected: 'Error: Filters are off',
    })
    const [row] = await client.request({ type: 'events', start: 0, end: 1 })
    expect(row!.rejected?.message).toBe('Error: Filters are off')
  })

  it('does not replace the logs of a synced store without `load`, and says why', async () => {
    const sync = { status: 'idle', subscribe: () => () => {} }
    const store = history()
    const { client } = connect(store, { sync })
    expect((await client.request({ type: 'meta' })).features.import).toBe(false)
    const { text } = await client.request({ type: 'export' })
    for (const request of [{ type: 'import', text }, { type: 'rollback' }, { type: 'reset' }]) {
      await expect(client.request(request as never)).rejects.toMatchObject({
        code: 'unsupported',
        message: expect.stringContaining('`load`'),
      })
    }
    expect(store.logs.events).toHaveLength(5)
  })

  it('rolls back to the last commit and resets to the initial state', async () => {
    const store = history()
    const { client } = connect(store)
    await client.request({ type: 'jumpTo', index: 2 })
    await client.request({ type: 'commit' })
    const committed = store.logs.states.at(0)
    store.history.toLive()
    expect(await client.request({ type: 'rollback' })).toMatchObject({ length: 0, isLive: true })
    expect(store.getState()).toBe(committed)
    expect(store.getState().todos).toHaveLength(2)
    store.dispatch({ type: 'filtered', payload: 'open' })
    expect(await client.request({ type: 'reset' })).toMatchObject({ length: 0, commands: 0 })
    expect(store.getState()).toBe(store.getInitialState())
  })

  it('locks the store: a dispatch records nothing and says why, until unlocked', async () => {
    const store = history()
    const { client } = connect(store)
    const onState = vi.fn()
    store.subscribe(onState)
    expect(await client.request({ type: 'lock', locked: true })).toMatchObject({ locked: true })
    expect(store.history.locked).toBe(true)
    const command = { type: 'filtered', payload: 'all' }
    const { error } = await client.request({ type: 'dispatch', command })
    expect(error?.message).toMatch(/locked/)
    store.dispatch({ type: 'filtered', payload: 'all' })
    expect(store.logs.events).toHaveLength(5)
    expect(store.getState().filter).toBe('open')
    expect(onState).not.toHaveBeenCalled()
    expect(await client.request({ type: 'lock', locked: false })).toMatchObject({ locked: false })
    store.dispatch({ type: 'filtered', payload: 'all' })
    expect(store.logs.events).toHaveLength(6)
  })
})
