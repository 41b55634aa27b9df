import {
  createInspectClient,
  createInspectHost,
  directTransport,
  envelope,
  type InspectMessage,
  type Meta,
  PROTOCOL,
  PROTOCOL_VERSION,
} from '@strata/state/inspect'
import { replicaOf } from '@strata/state/sync'
import { describe, expect, it, vi } from 'vitest'
import { connect } from './connect'
import { commandStore, history, tick, todoReducer } from './fixtures'

describe('inspect protocol over the direct transport', () => {
  it('answers meta and ranges of rows', async () => {
    const { client } = connect()
    const meta = await client.request({ type: 'meta' })
    expect(meta).toMatchObject({ cursor: 5, length: 5, isLive: true, commands: 5 })
    const rows = await client.request({ type: 'events', start: 1, end: 4, states: true })
    expect(rows.map((r) => [r.index, r.type])).toEqual([
      [1, 'added'],
      [2, 'toggled'],
      [3, 'toggled'],
    ])
    expect(rows[1]!.state).toMatchObject({ todos: [{ id: 'a', done: true }, { id: 'b' }] })
    expect(rows[2]!.error).toMatchObject({ name: 'Error', message: 'No todo zzz' })
    const clamped = await client.request({ type: 'commands', start: -5, end: 99 })
    expect(clamped).toHaveLength(5)
  })

  it('gives states, diffs and the paths each event changed', async () => {
    const { client } = connect()
    expect((await client.request({ type: 'state', index: 1 })).value).toEqual({
      todos: [{ id: 'a', text: 'milk', done: false }],
      filter: 'all',
    })
    expect(
      (await client.request({ type: 'state', index: 3, path: ['todos', 0, 'done'] })).value,
    ).toBe(true)
    expect((await client.request({ type: 'changes', index: 2 })).paths).toEqual([
      ['todos', 0, 'done'],
    ])
    expect((await client.request({ type: 'changes', index: 3 })).paths).toEqual([])
    const diff = await client.request({ type: 'diff', from: 0, to: 5 })
    expect(diff.paths).toEqual([['todos', 0], ['todos', 1], ['filter']])
    const rows = await client.request({ type: 'states', start: 0, end: 6 })
    expect(rows.map((r) => r.eventType)).toEqual([
      undefined,
      'added',
      'added',
      'toggled',
      'toggled',
      'filtered',
    ])
    expect(rows[4]!.failed).toBe(true)
    expect(
      await client.request({ type: 'touches', path: ['todos', 0, 'done'], start: 0, end: 5 }),
    ).toEqual([0, 2])
  })

  it('links a command to its events and states, and back', async () => {
    const store = commandStore()
    store.dispatch({ type: 'add', payload: { text: 'one' } })
    store.dispatch({ type: 'add', payload: { text: '' } })
    store.dispatch({ type: 'add', payload: { text: 'two' } })
    const { client } = connect(store)
    expect(await client.request({ type: 'related', lane: 'command', index: 2 })).toEqual({
      command: 2,
      events: [1],
      states: [2],
    })
    expect(await client.request({ type: 'related', lane: 'command', index: 1 })).toEqual({
      command: 1,
      events: [],
      states: [],
    })
    expect(await client.request({ type: 'related', lane: 'state', index: 1 })).toEqual({
      command: 0,
      events: [0],
      states: [1],
    })
    const [rejected] = await client.request({ type: 'commands', start: 1, end: 2 })
    expect(rejected!.error?.message).toBe('A todo needs a text')
  })

  it('searches by type and payload text, resuming where it stopped', async () => {
    const { client } = connect()
    expect(
      (await client.request({ type: 'search', query: { text: 'BREAD' }, from: 0 })).matches,
    ).toEqual([1])
    expect(
      (await client.request({ type: 'search', query: { types: ['toggled'] }, from: 0 })).matches,
    ).toEqual([2, 3])
    const page = await client.request({
      type: 'search',
      query: { types: ['added', 'toggled'] },
      from: 0,
      limit: 2,
    })
    expect(page).toEqual({ matches: [0, 1], next: 2 })
    expect(
      (await client.request({ type: 'search', query: { flags: ['error'] }, from: 0 })).matches,
    ).toEqual([3])
    expect(await client.request({ type: 'marks' })).toMatchObject({ errors: [3], skipped: [] })
  })

  it('bisects a path and a named selector', async () => {
    const { client } = connect(history(), {
      selectors: { doneCount: (s: any) => s.todos.filter((t: any) => t.done).length },
    })
    const byPath = await client.request({ type: 'bisect', path: ['todos', 0, 'done'] })
    expect(byPath).toMatchObject({ index: 2, eventType: 'toggled', value: true })
    expect(byPath.probes.length).toBeLessThanOrEqual(4)
    expect(await client.request({ type: 'bisect', selector: 'doneCount' })).toMatchObject({
      index: 2,
    })
    expect(await client.request({ type: 'bisect', path: ['filter'], upTo: 2 })).toMatchObject({
      index: undefined,
    })
    await expect(client.request({ type: 'bisect', selector: 'nope' })).rejects.toThrow(
      /No selector named "nope". Known: doneCount/,
    )
  })

  it('moves the store, skips and commits, and pushes the new meta', async () => {
    const { store, client } = connect()
    await client.request({ type: 'jumpTo', index: 1 })
    expect(store.getState().todos).toHaveLength(1)
    expect(client.meta).toMatchObject({ cursor: 1, isLive: false })
    await client.request({ type: 'step', delta: 1 })
    expect(store.history.cursor).toBe(2)
    const [second] = store.logs.events.slice(1, 2)
    const toggled = await client.request({ type: 'toggle', eventId: second!.id })
    expect(toggled.skipped).toBe(true)
    expect(store.getState().todos).toHaveLength(1)
    await client.request({ type: 'toLive' })
    expect(store.history.isLive).toBe(true)
    await client.request({ type: 'jumpTo', index: 2 })
    const committed = await client.request({ type: 'commit' })
    expect(committed).toMatchObject({ length: 3, cursor: 0 })
  })

  it('pushes meta when the app dispatches, and a new revision each time', async () => {
    const { store, client } = connect()
    await tick()
    const before = client.meta!.revision
    store.dispatch({ type: 'filtered', payload: 'all' })
    await tick()
    expect(client.meta).toMatchObject({ length: 6 })
    expect(client.meta!.revision).toBeGreaterThan(before)
  })

  it('pushes changes that keep the viewed state, as the store tells them (no polling)', async () => {
    vi.useFakeTimers()
    const store = history()
    const timers = vi.getTimerCount()
    const host = createInspectHost(store)
    try {
      // The host keeps no timer: it hears of every change from the store.
      expect(vi.getTimerCount()).toBe(timers)
      host.handle({ type: 'jumpTo', index: 1 })
      await Promise.resolve()
      let meta = host.handle({ type: 'meta' })
      const pushes: Meta[] = []
      host.subscribe((push) => push.type === 'meta' && pushes.push(push.meta))
      const onState = vi.fn()
      store.subscribe(onState)
      const expectPush = async (change: () => void, expected: Partial<Meta>) => {
        const count = pushes.length
        change()
        await Promise.resolve()
        expect(pushes).toHaveLength(count + 1)
        const next = pushes.at(-1)!
        expect(next).toMatchObject(expected)
        expect(next.revision).toBeGreaterThan(meta.revision)
        expect(next.logRevision).toBeGreaterThan(meta.logRevision)
        meta = next
      }
      // A skip after the cursor, a confirmation and a lock: the viewed state stays.
      await expectPush(() => store.history.toggle(store.logs.events[3]!.id), { cursor: 1 })
      await expectPush(() => replicaOf(store).confirm(store.logs.events[0]!.id, 'p1'), {})
      await expectPush(() => store.history.lock(), { locked: true })
      await expectPush(() => store.history.lock(false), { locked: false })
      expect(onState).not.toHaveBeenCalled()
      await expectPush(() => store.replaceReducer(todoReducer as never), {
        hot: [expect.objectContaining({ kind: 'reducer', changed: false })],
      })
      // A commit at cursor 1 keeps the viewed state too, but the log is shorter.
      await expectPush(() => store.history.commit(), { length: 4, cursor: 0 })
      expect(vi.getTimerCount()).toBe(timers)
    } finally {
      host.close()
      vi.useRealTimers()
    }
  })

  it('coalesces a burst of dispatches into one push', async () => {
    const store = history()
    const { host, client } = connect(store)
    await Promise.resolve()
    const pushes: Meta[] = []
    host.subscribe((push) => push.type === 'meta' && pushes.push(push.meta))
    const before = client.meta!.logRevision
    for (let i = 0; i < 100; i++) store.dispatch({ type: 'filtered', payload: 'all' })
    expect(pushes).toHaveLength(0)
    await Promise.resolve()
    expect(pushes).toHaveLength(1)
    expect(pushes[0]).toMatchObject({ length: 105, cursor: 105, isLive: true })
    expect(client.meta!.logRevision).toBeGreaterThan(before)
    // A jump is a change of the view only: the rows are not refetched.
    const { logRevision } = client.meta!
    store.history.jumpTo(2)
    store.history.jumpTo(3)
    await Promise.resolve()
    expect(pushes).toHaveLength(2)
    expect(client.meta).toMatchObject({ cursor: 3, logRevision })
  })

  it('pushes nothing once closed', async () => {
    const store = history()
    const { host } = connect(store)
    const pushes: unknown[] = []
    host.subscribe((push) => pushes.push(push))
    store.dispatch({ type: 'filtered', payload: 'all' })
    host.close()
    store.dispatch({ type: 'filtered', payload: 'open' })
    await tick()
    expect(pushes).toEqual([])
  })

  it('answers another protocol version with a version error, and ignores foreign messages', () => {
    const { host, client } = directTransport()
    const store = history()
    const h = createInspectHost(store, { transport: host })
    const got: InspectMessage[] = []
    client.listen((m) => got.push(m))
    client.post({
      ...envelope('default'),
      version: 99,
      kind: 'request',
      id: 1,
      client: 'x',
      request: { type: 'meta' },
    })
    client.post({
      ...envelope('other'),
      kind: 'request',
      id: 2,
      client: 'x',
      request: { type: 'meta' },
    })
    h.close()
    expect(got).toHaveLength(1)
    expect(got[0]).toMatchObject({
      protocol: PROTOCOL,
      version: PROTOCOL_VERSION,
      kind: 'response',
      id: 1,
      ok: false,
      error: { data: { code: 'version' } },
    })
  })

  it('rejects unknown requests and bad indexes with teaching errors', async () => {
    const { client } = connect()
    await expect(client.request({ type: 'nope' } as never)).rejects.toThrow(
      /Unknown devtools request "nope"/,
    )
    await expect(client.request({ type: 'state', index: 99 })).rejects.toThrow(
      /from 0 to 5, received 99/,
    )
  })

  it('every message is plain data with the protocol and version', async () => {
    const { host, client } = directTransport()
    const seen: unknown[] = []
    host.listen((m) => seen.push(m))
    client.listen((m) => seen.push(m))
    const h = createInspectHost(history(), { transport: host })
    const c = createInspectClient({ transport: client })
    await c.request({ type: 'events', start: 0, end: 2 })
    h.close()
    c.close()
    expect(seen.length).toBeGreaterThan(2)
    for (const m of seen) {
      expect(m).toMatchObject({ protocol: 'strata.devtools', version: 1 })
      expect(JSON.parse(JSON.stringify(m))).toEqual(m)
    }
  })
})
