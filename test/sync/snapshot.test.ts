import 'fake-indexeddb/auto'
import { replicaOf } from '@strata/state/sync'
import { describe, expect, it, vi } from 'vitest'
import {
  browser,
  countersSnapshot,
  eventReads,
  putSnapshot,
  seed,
  storedSnapshot,
  testServer,
} from './history.helpers'

const add = (by: number) => ({ type: 'add' as const, payload: { key: 'a', by } })

describe("this device's snapshot", () => {
  it('a reload starts from it and pulls only the events after it', async () => {
    const server = testServer()
    await seed(server, 2500)
    const tab = browser(server)
    const first = tab()
    await first.sync.pull()
    expect(first.sync.getSnapshot().boot).toBe('events')
    await first.sync.close()
    await seed(server, 3, { from: 2501 })

    const reads = eventReads(server).length
    const second = tab()
    await second.sync.ready
    expect(second.sync.getSnapshot().boot).toBe('local-snapshot')
    // The tail's request went out while the outbox was read: it may be settled already.
    expect(second.store.history.start).toBe(2500)
    expect(second.store.logs.states.at(2500)).toEqual({ a: 2500 })
    await second.sync.pull()
    expect(second.store.getState()).toEqual({ a: 2503 })
    expect(eventReads(server).slice(reads)[0]!.path).toContain('after=v1%3A2500')
    expect(second.store.logs.events.map((e) => e.position)).toEqual([
      'v1:2501',
      'v1:2502',
      'v1:2503',
    ])
  })

  it('a reload with it and a pending outbox delivers each event exactly once', async () => {
    const server = testServer()
    const tab = browser(server)
    // The first answer is lost: the event is stored, but stays claimed in the outbox.
    let posts = 0
    const first = tab({ fault: (r) => (r.method === 'POST' && posts++ === 0 ? 'lost' : 'pass') })
    first.store.dispatch(add(1))
    await vi.waitFor(() => expect(first.sync.getSnapshot().status).toBe('offline'))
    await first.sync.pull() // the event comes back, settled, and is in the snapshot
    expect(replicaOf(first.store).settled).toBe(1)
    first.sync.pause()
    first.store.dispatch(add(2))
    await first.sync.close()
    expect(await storedSnapshot(tab.indexedDB)).toMatchObject({ count: 1, position: 'v1:1' })

    const second = tab()
    await second.sync.ready
    expect(second.sync.getSnapshot().boot).toBe('local-snapshot')
    // Only the event the snapshot does not hold is pending again.
    expect(second.store.logs.events.map((e) => e.payload)).toEqual([{ key: 'a', by: 2 }])
    expect(second.store.getState()).toEqual({ a: 3 })
    await second.sync.flush()
    await second.sync.pull()
    const stored = await server.stored()
    expect(stored.map((e) => (e.payload as { by: number }).by)).toEqual([1, 2])
    expect(new Set(stored.map((e) => e.id)).size).toBe(2)
    expect(second.store.getState()).toEqual({ a: 3 })
    expect(replicaOf(second.store).pending()).toEqual([])
  })

  it('a reload whose outbox holds an event sent without an answer folds the events (the server snapshot may hold it) and applies it once', async () => {
    const server = testServer({ snapshots: [countersSnapshot()] })
    const tab = browser(server)
    let posts = 0
    const first = tab({ fault: (r) => (r.method === 'POST' && posts++ === 0 ? 'lost' : 'network') })
    first.store.dispatch(add(1))
    await vi.waitFor(() => expect(server.posts()).toHaveLength(1))
    // Closed before it pulled anything: no snapshot here, the event claimed in the outbox.
    await first.sync.close()
    expect(await storedSnapshot(tab.indexedDB)).toBeUndefined()

    // Still offline: the event must not show twice (once in the snapshot, once from the outbox).
    let online = false
    const second = tab({
      snapshot: 'counters',
      fault: (r) => (online || r.method !== 'POST' ? 'pass' : 'network'),
    })
    await second.sync.pull()
    expect(second.sync.getSnapshot().boot).toBe('events')
    expect(second.store.getState()).toEqual({ a: 1 })
    online = true
    await second.sync.flush()
    expect(second.store.getState()).toEqual({ a: 1 })
    expect(second.store.logs.events.map((e) => e.position)).toEqual(['v1:1'])
    expect(replicaOf(second.store).pending()).toEqual([])
    expect((await server.stored()).length).toBe(1)
  })

  it('never holds a pending event, also when a rebase re-runs it or a fold is cut in slices', async () => {
    const events = new EventTarget()
    const g = globalThis as unknown as Record<string, unknown>
    g.addEventListener = events.addEventListener.bind(events)
    g.removeEventListener = events.removeEventListener.bind(events)
    try {
      const server = testServer()
      const tab = browser(server)
      const first = tab({ fault: (r) => (r.method === 'POST' ? 'network' : 'pass') })
      // A pending command that reads the state: every pull re-runs it on the new settled state.
      first.store.dispatch({ type: 'increment', payload: 'a' })
      // Its send has failed (the retry waits on the manual clock): no claim is in flight while
      // the pull below folds in slices, so the command is re-run on the last slice too (under
      // load a claim under way froze it at the first slice's state, { a: 65 }).
      await vi.waitFor(() => expect(first.sync.getSnapshot().status).toBe('offline'))
      await seed(server, 300)
      // The page is hidden while the rebase re-runs the command (from inside its handler).
      const handlers = first.store as unknown as { hot: { replaceCommands(c: object): void } }
      let hidden = 0
      handlers.hot.replaceCommands({
        add: (_s: unknown, payload: unknown) => ({ type: 'added', payload }),
        increment: (state: Record<string, number>, key: string) => {
          if (state[key]) {
            events.dispatchEvent(new Event('pagehide'))
            hidden++
          }
          return { type: 'set', payload: { key, value: (state[key] ?? 0) + 1 } }
        },
      })
      await first.sync.pull()
      expect(hidden).toBeGreaterThan(0)
      await vi.waitFor(async () => expect(await storedSnapshot(tab.indexedDB)).toBeDefined())
      const kept = await storedSnapshot(tab.indexedDB)
      expect(kept.state).toEqual({ a: kept.count })
      expect(kept.position).toBe(`v1:${kept.count}`)
      expect(first.store.getState()).toEqual({ a: 301 })
    } finally {
      delete g.addEventListener
      delete g.removeEventListener
    }
  })

  it.each([
    ['corrupt', { format: 'something else', formatVersion: 1, version: '' }],
    ['truncated', { format: 'strata.snapshot', formatVersion: 1, version: '', position: 'v1:9' }],
    [
      'of another version',
      {
        format: 'strata.snapshot',
        formatVersion: 1,
        version: '',
        position: 'v1:2',
        count: 2,
        state: { a: 99 },
      },
    ],
  ])(
    'one that is %s is ignored with one warning, and the history folded from events',
    async (kind, record) => {
      const server = testServer()
      await seed(server, 1200)
      const tab = browser(server)
      const first = tab()
      await first.sync.ready
      await first.sync.close()
      const versioned = kind === 'of another version'
      await putSnapshot(tab.indexedDB, versioned ? { ...record, version: 'old' } : record)
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
      try {
        const second = tab(versioned ? { version: 'new' } : {})
        await second.sync.pull()
        const warnings = warn.mock.calls.filter(([m]) => /snapshot/.test(String(m)))
        expect(warnings).toHaveLength(1)
        expect(String(warnings[0]![0])).toMatch(
          versioned
            ? /Ignored this device's snapshot: it was folded by version "old" of the reducer, this is "new"/
            : /Ignored this device's snapshot/,
        )
        expect(second.sync.getSnapshot().boot).toBe('events')
        expect(second.store.getState()).toEqual({ a: 1200 })
        expect(second.store.history.start).toBe(0)
      } finally {
        warn.mockRestore()
      }
    },
  )

  it('a store of another version folds from events in slices, with progress on the sync snapshot', async () => {
    const server = testServer()
    await seed(server, 3500)
    const tab = browser(server)
    const first = tab({ version: 1 })
    await first.sync.pull()
    await first.sync.close()

    const second = tab({ version: 2 })
    const seen: { task: string; done: number; total: number }[] = []
    second.sync.subscribe(() => {
      const p = second.sync.getSnapshot().progress
      if (p && seen.at(-1) !== p) seen.push(p)
    })
    await second.sync.pull()
    expect(second.sync.getSnapshot().boot).toBe('events')
    expect(second.store.getState()).toEqual({ a: 3500 })
    expect(seen.length).toBeGreaterThan(1)
    expect(seen.every((p) => p.task === 'refold' && p.total === 3500 && p.done < 3500)).toBe(true)
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b))
    expect(second.sync.getSnapshot().progress).toBeUndefined()
  })

  it('a full IndexedDB keeps the app working and syncing, and warns once', async () => {
    const { IDBObjectStore } = await import('fake-indexeddb')
    const put = IDBObjectStore.prototype.put
    IDBObjectStore.prototype.put = function (
      this: IDBObjectStore,
      ...args: [unknown, IDBValidKey?]
    ) {
      if (this.name === 'snapshots' || this.name === 'pages') {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      }
      return put.apply(this, args as never)
    } as typeof put
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const server = testServer()
      await seed(server, 1500)
      const tab = browser(server)
      const first = tab()
      await first.sync.pull()
      first.store.dispatch(add(1))
      await first.sync.flush()
      await first.sync.close()
      const second = tab()
      await second.sync.pull()
      second.store.dispatch(add(2))
      await second.sync.flush()
      await second.sync.pull()
      await second.sync.close()
      expect(second.store.getState()).toEqual({ a: 1503 })
      expect(second.sync.getSnapshot().status).not.toBe('error')
      expect(
        new Set(server.posts().flatMap((b) => b.events.map((e: { id: string }) => e.id))).size,
      ).toBe(2)
      const full = warn.mock.calls.filter(([m]) => /IndexedDB is full/.test(String(m)))
      // Once per connection: each tab says so once, and never stops syncing for it.
      expect(full).toHaveLength(2)
      expect(
        first.sync.getSnapshot().errors.some((e) => /IndexedDB is full/.test(e.error.message)),
      ).toBe(true)
    } finally {
      IDBObjectStore.prototype.put = put
      warn.mockRestore()
    }
  })
})

describe("the server's snapshot", () => {
  it('a device without one of its own starts from it and pulls the tail', async () => {
    const server = testServer({ snapshots: [countersSnapshot()] })
    await seed(server, 2500)
    const tab = browser(server)
    const reads = eventReads(server).length
    const fresh = tab({ snapshot: 'counters' })
    await fresh.sync.ready
    expect(fresh.sync.getSnapshot().boot).toBe('server-snapshot')
    expect(fresh.store.history.start).toBe(2500)
    await seed(server, 2, { from: 2501 })
    await fresh.sync.pull()
    expect(fresh.store.getState()).toEqual({ a: 2502 })
    expect(eventReads(server).slice(reads)[0]!.path).toContain('after=v1%3A2500')
  })

  it('lists more than 1,000 stream versions: a first write to an old stream is not refused as stale', async () => {
    const server = testServer({ snapshots: [countersSnapshot()] })
    // 1,500 counters, each its own stream, k1 written first (a card made long ago).
    for (let from = 1; from <= 1500; from += 500) {
      const events = Array.from({ length: 500 }, (_, i) => ({
        clientSeq: from + i,
        id: `seeder-${from + i}`,
        stream: `k${from + i}`,
        type: 'added',
        payload: { key: `k${from + i}`, by: 10 },
        at: 1,
      }))
      const body = JSON.stringify({ protocol: 1, clientId: 'seeder', events })
      const headers = { 'content-type': 'application/json' }
      const response = await server.server.fetch(
        new Request('http://s/events', { method: 'POST', headers, body }),
      )
      expect(response.status).toBe(200)
    }
    const streamOf = (e: { payload: { key: string } }) => e.payload.key
    const fresh = browser(server)({ snapshot: 'counters', streamOf } as never)
    await fresh.sync.pull()
    expect(fresh.sync.getSnapshot().boot).toBe('server-snapshot')
    const posts = server.posts().length
    fresh.store.dispatch({ type: 'increment', payload: 'k1' })
    await fresh.sync.flush()
    // One request: the event expected the stream's version (1), not 0.
    expect(server.posts()).toHaveLength(posts + 1)
    const after = await server.server.fetch(new Request('http://s/events?after=v1:1500'))
    expect((await after.json()).events).toMatchObject([{ stream: 'k1', streamVersion: 2 }])
    expect(fresh.store.getState().k1).toBe(11)
  })

  it('one whose state cannot be decoded is ignored with a warning: the tail asked for meanwhile is not applied', async () => {
    const server = testServer({ snapshots: [countersSnapshot()] })
    await seed(server, 1200)
    // The state's Map is a number: the session serializer throws on it.
    const spoiled = async (request: Request) => {
      const response = await server.fetch(request)
      if (!new URL(request.url).pathname.startsWith('/snapshots/')) return response
      const body = { ...(await response.json()), state: { json: 1, meta: { values: ['map'] } } }
      return Response.json(body)
    }
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const fresh = browser(server)({ snapshot: 'counters', fetch: spoiled })
      await fresh.sync.pull()
      expect(fresh.sync.getSnapshot().boot).toBe('events')
      expect(fresh.store.getState()).toEqual({ a: 1200 })
      expect(fresh.store.history).toMatchObject({ start: 0, length: 1200 })
      expect(warn.mock.calls.map(([m]) => String(m))).toEqual([
        expect.stringMatching(/Reading the server's snapshot "counters" failed/),
      ])
    } finally {
      warn.mockRestore()
    }
  })

  it('one of another version is ignored with a warning: the history is folded from events', async () => {
    const server = testServer({ snapshots: [countersSnapshot({ version: 'server' })] })
    await seed(server, 1100)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const fresh = browser(server)({ snapshot: 'counters', version: 'client' })
      await fresh.sync.pull()
      expect(fresh.sync.getSnapshot().boot).toBe('events')
      expect(fresh.store.getState()).toEqual({ a: 1100 })
      expect(warn.mock.calls.map(([m]) => String(m))).toEqual([
        expect.stringMatching(
          /Ignored the server's snapshot "counters": it was folded by version "server"/,
        ),
      ])
    } finally {
      warn.mockRestore()
    }
  })

  it('refuses a snapshot name that is not a string, and a snapshot with streams', () => {
    const server = testServer()
    const tab = browser(server)
    expect(() => tab({ snapshot: '' })).toThrow(/`snapshot` to be the name of a server snapshot/)
    expect(() => tab({ snapshot: 'counters', streams: ['a'] })).toThrow(/only some `streams`/)
  })
})
