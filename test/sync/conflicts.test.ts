import 'fake-indexeddb/auto'
import { createStore } from '@strata/state'
import { type Conflict, connectSync, type SyncOptions } from '@strata/state/sync'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { boardCommands, boardReducer, emptyBoard } from '../../examples/kanban/src/board'
import { testServer } from './helpers'

const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

type Server = ReturnType<typeof testServer>
const streamOf = (e: { payload?: unknown }) => `card:${(e.payload as { id: string }).id}`

/** A kanban window: its store and sync, a switch to take it offline, what it was told. */
function window(server: Server, options: Partial<SyncOptions<any>> = {}) {
  const store = createStore({
    initialState: emptyBoard,
    reducer: boardReducer,
    commands: boardCommands,
  })
  let online = true
  const conflicts: Conflict[] = []
  const sync = connectSync(store, {
    fetch: (r) => (online ? server.fetch(r) : Promise.reject(new TypeError('Failed to fetch'))),
    persist: false,
    live: 'off',
    batch: { maxEvents: 20, maxDelayMs: 0 },
    retry: { baseMs: 5, maxMs: 5 },
    streamOf,
    onConflict: (c) => conflicts.push(c),
    ...options,
  })
  open.push(sync)
  const reducerErrors = () => store.logs.events.filter((e) => e.error !== undefined)
  return {
    store,
    sync,
    conflicts,
    reducerErrors,
    offline: () => (online = false),
    online: () => {
      online = true
      sync.resume()
    },
  }
}

async function raceCard(server: Server) {
  const a = window(server)
  const b = window(server)
  a.store.dispatch({ type: 'createCard', payload: { title: 'Race card' } })
  await a.sync.flush()
  await b.sync.pull()
  const id = Object.keys(b.store.getState().cards)[0]!
  return { a, b, id }
}

const storedTypes = async (server: Server) => (await server.stored()).map((e) => e.type)

describe('conflicts: edit versus delete', () => {
  it('the offline edit of a card deleted meanwhile is never stored, and is reported once', async () => {
    const server = testServer()
    const { a, b, id } = await raceCard(server)
    a.offline()
    const edit = a.store.dispatch({
      type: 'editCard',
      payload: { id, title: 'Race card, edited offline', description: 'typed text' },
    })
    expect(edit.error).toBeUndefined()
    b.store.dispatch({ type: 'deleteCard', payload: { id } })
    await b.sync.flush()
    a.online()
    await a.sync.flush()
    await a.sync.pull()

    expect(await storedTypes(server)).toEqual(['card/created', 'card/deleted'])
    expect(a.conflicts).toHaveLength(1)
    const [conflict] = a.conflicts
    expect(conflict!.command).toMatchObject({ id: edit.command.id, type: 'editCard' })
    // The command as dispatched keeps what the person typed.
    expect(conflict!.command.payload).toMatchObject({ description: 'typed text' })
    expect(conflict!.error).toEqual(
      new Error(`There is no card ${JSON.stringify(id)}: it may have been deleted.`),
    )
    expect(conflict!.lostTo.map((e) => [e.type, e.stream])).toEqual([
      ['card/deleted', `card:${id}`],
    ])
    expect(conflict!.events.map((e) => e.type)).toEqual(['card/edited'])
    expect(a.sync.conflicts.getSnapshot()).toEqual([conflict])
    // Never "everything saved" while it is there.
    expect(a.sync.status).toBe('conflict')
    a.sync.conflicts.dismiss(conflict!)
    expect(a.sync.status).toBe('idle')
    // Both converge to the server; no reducer error anywhere, and B heard of no conflict.
    await b.sync.pull()
    expect(a.store.getState()).toEqual(b.store.getState())
    expect(a.store.getState().cards).toEqual({})
    expect([a.reducerErrors(), b.reducerErrors(), b.conflicts]).toEqual([[], [], []])
    expect(a.sync.getSnapshot().rejected).toEqual([])
  })

  it('two offline edits: the second counts on the first, so neither is stored', async () => {
    const server = testServer()
    const { a, b, id } = await raceCard(server)
    a.offline()
    a.store.dispatch({ type: 'editCard', payload: { id, title: 'one' } })
    a.store.dispatch({ type: 'editCard', payload: { id, title: 'two' } })
    b.store.dispatch({ type: 'deleteCard', payload: { id } })
    await b.sync.flush()
    a.online()
    await a.sync.flush()
    // The second one's count (its stream at 2) matched the stream by coincidence.
    expect(await storedTypes(server)).toEqual(['card/created', 'card/deleted'])
    expect(a.conflicts.map((c) => (c.command.payload as { title: string }).title)).toEqual([
      'one',
      'two',
    ])
    expect(a.reducerErrors()).toEqual([])
  })

  it('an edit refused before its window has pulled the delete is re-run once it has', async () => {
    const server = testServer()
    const { a, b, id } = await raceCard(server)
    b.store.dispatch({ type: 'deleteCard', payload: { id } })
    await b.sync.flush()
    // A has not pulled the delete: the server refuses the edit, A pulls, re-runs, loses it.
    a.store.dispatch({ type: 'editCard', payload: { id, title: 'late' } })
    await a.sync.flush()
    expect(await storedTypes(server)).toEqual(['card/created', 'card/deleted'])
    expect(a.conflicts).toHaveLength(1)
    expect(a.conflicts[0]!.lostTo.map((e) => e.type)).toEqual(['card/deleted'])
    expect(a.reducerErrors()).toEqual([])
    expect(a.sync.getSnapshot().outbox).toEqual([])
  })
})

describe('conflicts that are not lost', () => {
  it('concurrent moves of one card: the later is decided again on the new state and stored', async () => {
    const server = testServer()
    const { a, b, id } = await raceCard(server)
    a.offline()
    a.store.dispatch({ type: 'moveCard', payload: { id, to: 'doing' } })
    b.store.dispatch({ type: 'moveCard', payload: { id, to: 'done' } })
    await b.sync.flush()
    a.online()
    await a.sync.flush()
    await Promise.all([a.sync.pull(), b.sync.pull()])
    expect(await storedTypes(server)).toEqual(['card/created', 'card/moved', 'card/moved'])
    expect([a.conflicts, b.conflicts]).toEqual([[], []])
    expect(a.store.getState()).toEqual(b.store.getState())
    expect(a.store.getState().columns.find((c) => c.id === 'doing')!.cardIds).toEqual([id])
  })

  it('edits of different cards never conflict: a stream per card', async () => {
    const server = testServer()
    const a = window(server)
    const b = window(server)
    a.store.dispatch({ type: 'createCard', payload: { title: 'one' } })
    a.store.dispatch({ type: 'createCard', payload: { title: 'two' } })
    await a.sync.flush()
    await b.sync.pull()
    const [one, two] = Object.keys(a.store.getState().cards)
    a.store.dispatch({ type: 'editCard', payload: { id: one!, title: 'one!' } })
    b.store.dispatch({ type: 'editCard', payload: { id: two!, title: 'two!' } })
    await Promise.all([a.sync.flush(), b.sync.flush()])
    const posts = server.posts().flatMap((p) => p.events)
    expect(posts.filter((e: { type: string }) => e.type === 'card/edited')).toHaveLength(2)
  })
})

describe('what the client sends', () => {
  it('expectedVersion from pulled stream versions, plus its own earlier events', async () => {
    const server = testServer()
    const { a, id } = await raceCard(server)
    a.offline()
    a.store.dispatch({ type: 'editCard', payload: { id, title: 'one' } })
    a.store.dispatch({ type: 'editCard', payload: { id, title: 'two' } })
    a.store.dispatch({ type: 'createCard', payload: { title: 'other' } })
    await vi.waitFor(() =>
      expect(a.sync.getSnapshot().outbox.every((e) => e.clientSeq !== undefined)).toBe(true),
    )
    a.online()
    await a.sync.flush()
    const sent = server.posts().at(-1).events
    expect(sent.map((e: any) => [e.clientSeq, e.expectedVersion, e.dependsOn])).toEqual([
      [2, 1, undefined],
      [3, 2, 2],
      [4, 0, undefined],
    ])
  })

  it("concurrency: 'off' sends no expectations, and a store without handlers needs none", async () => {
    const server = testServer()
    const off = window(server, { concurrency: 'off' })
    off.store.dispatch({ type: 'createCard', payload: { title: 'x' } })
    await off.sync.flush()
    const plain = createStore({
      initialState: {},
      reducer: (_draft: object, _event: { type: 'noted'; payload: number }) => {},
    })
    const sync = connectSync(plain, { fetch: server.fetch, persist: false, live: 'off' })
    open.push(sync)
    plain.dispatch({ type: 'noted', payload: 1 })
    await sync.flush()
    for (const e of server.posts().flatMap((p) => p.events)) {
      expect(e.expectedVersion).toBeUndefined()
    }
    expect(() =>
      connectSync(plain, { fetch: server.fetch, persist: false, concurrency: 'never' as never }),
    ).toThrow(/concurrency/)
  })
})

describe('reloads', () => {
  it('a command claimed before a reload is re-run by the next page when it conflicts', async () => {
    const server = testServer()
    const { b, id } = await raceCard(server)
    const indexedDB = new IDBFactory()
    let online = false
    const page = () => {
      const store = createStore({
        initialState: emptyBoard,
        reducer: boardReducer,
        commands: boardCommands,
      })
      const conflicts: Conflict[] = []
      const sync = connectSync(store, {
        fetch: (r) => (online ? server.fetch(r) : Promise.reject(new TypeError('offline'))),
        persist: { indexedDB, name: 'reload' },
        live: 'off',
        locks: false,
        batch: { maxEvents: 20, maxDelayMs: 0 },
        retry: { baseMs: 5, maxMs: 5 },
        streamOf,
        onConflict: (c) => conflicts.push(c),
      })
      open.push(sync)
      return { store, sync, conflicts }
    }
    // The first page loads the card, goes offline, moves and edits it, and closes.
    online = true
    const first = page()
    await first.sync.pull()
    online = false
    first.store.dispatch({ type: 'moveCard', payload: { id, to: 'done' } })
    first.store.dispatch({ type: 'editCard', payload: { id, title: 'edited' } })
    await vi.waitFor(() =>
      expect(first.sync.getSnapshot().outbox.every((e) => e.clientSeq)).toBe(true),
    )
    await first.sync.close()
    b.store.dispatch({ type: 'deleteCard', payload: { id } })
    await b.sync.flush()
    online = true
    const second = page()
    await second.sync.ready
    await second.sync.flush()
    await second.sync.pull()
    expect(await storedTypes(server)).toEqual(['card/created', 'card/deleted'])
    expect(second.conflicts.map((c) => c.command.type)).toEqual(['moveCard', 'editCard'])
    expect(second.store.logs.events.filter((e) => e.error !== undefined)).toEqual([])
  })
})

describe('a reducer that throws on a stored event', () => {
  it('is reported once (onError, console in development), keeps the state, blocks nothing', async () => {
    const server = testServer()
    const { b, id } = await raceCard(server)
    // A client without concurrency stores an edit of a deleted card (as before this change).
    const old = window(server, { concurrency: 'off' })
    await old.sync.pull()
    old.offline()
    old.store.dispatch({ type: 'editCard', payload: { id, title: 'stale' } })
    b.store.dispatch({ type: 'deleteCard', payload: { id } })
    await b.sync.flush()
    old.online()
    await old.sync.flush()
    expect(await storedTypes(server)).toEqual(['card/created', 'card/deleted', 'card/edited'])

    const errors: unknown[] = []
    const console = vi.spyOn(globalThis.console, 'error').mockImplementation(() => {})
    const c = window(server, { onError: (e) => errors.push(e) })
    await c.sync.pull()
    await c.sync.pull()
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({
      entry: { type: 'card/edited', position: 'v1:3' },
      error: new Error(`No card ${id} to edit`),
    })
    expect(console).toHaveBeenCalledTimes(1)
    expect(console.mock.calls[0]![0]).toMatch(
      /\[strata\] The reducer threw on event "card\/edited"/,
    )
    expect(c.sync.getSnapshot().reducerErrors).toEqual(errors)
    // Later events apply, and the outbox sends.
    c.store.dispatch({ type: 'createCard', payload: { title: 'after' } })
    await c.sync.flush()
    await b.sync.pull()
    expect(Object.values(b.store.getState().cards).map((card) => card.title)).toEqual(['after'])
    // B pulled the stored edit too: told once in its console.
    expect(console).toHaveBeenCalledTimes(2)
    console.mockRestore()
  })
})
