import {
  connectSync,
  remoteEventId,
  replicaOf,
  type Sync,
  type SyncOptions,
} from '@strata/state/sync'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { counterStore, fold, manualClock, testServer } from './helpers'

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

function client(
  server: ReturnType<typeof testServer>,
  options: Partial<SyncOptions<any>> = {},
  store = counterStore(),
) {
  const sync = connectSync(store, {
    fetch: server.fetch,
    batch: { maxEvents: 5, maxDelayMs: 0 },
    persist: false,
    live: 'off',
    ...options,
  })
  open.push(sync)
  return { store, sync, replica: replicaOf(store) }
}

/** Another client of the tenant stores an event under an id it chose (guessed). */
async function storeAs(
  server: ReturnType<typeof testServer>,
  clientId: string,
  clientSeq: number,
  id: string,
  payload: { key: string; by: number },
) {
  const body = {
    protocol: 1,
    clientId,
    events: [{ clientSeq, id, stream: 'default', type: 'added', payload, at: 1 }],
  }
  const response = await server.fetch(
    new Request('http://s/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  )
  const result = (await response.json()) as { results: { status: string }[] }
  expect(result.results[0]!.status).toBe('applied')
}

describe('pulling', () => {
  it('applies remote events in position order and rebases pending commands on top', async () => {
    const server = testServer()
    const a = client(server)
    // b's events wait for the batch delay (its clock does not move), so they stay re-derivable.
    const b = client(server, { batch: { maxEvents: 5, maxDelayMs: 1000 }, clock: manualClock() })
    await b.sync.ready
    a.store.dispatch({ type: 'set', payload: { key: 'x', value: 10 } })
    await a.sync.flush()
    // b has not heard of it yet: its increment starts from nothing.
    b.store.dispatch({ type: 'increment', payload: 'x' })
    expect(b.store.getState()).toEqual({ x: 1 })
    await b.sync.pull()
    // The pending increment was re-run on top of the remote 10, keeping its event id.
    expect(b.store.getState()).toEqual({ x: 11 })
    expect(b.store.logs.events.map((e) => e.origin)).toEqual(['remote', 'local'])
    await b.sync.flush()
    await a.sync.pull()
    await b.sync.pull()
    const stored = await server.stored()
    expect(a.store.getState()).toEqual(fold(stored))
    expect(b.store.getState()).toEqual(fold(stored))
    expect(fold(stored)).toEqual({ x: 11 })
  })

  it('settles its own events when they come back, never applying one twice', async () => {
    const server = testServer()
    const a = client(server)
    a.store.dispatch({ type: 'add', payload: { key: 'n', by: 1 } })
    a.store.dispatch({ type: 'add', payload: { key: 'n', by: 1 } })
    await a.sync.flush()
    await a.sync.pull()
    await a.sync.pull()
    expect(a.store.logs.events).toHaveLength(2)
    expect(a.replica.settled).toBe(2)
    expect(a.store.getState()).toEqual({ n: 2 })
  })

  it('re-runs an in-flight command at once when a pulled event takes the version it expects', async () => {
    const server = testServer()
    const a = client(server)
    const b = client(server)
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    // slow's POST waits at the gate; meanwhile a remote event arrives.
    const slow = client(server, {
      fetch: async (r) => {
        if (r.method === 'POST') await gate
        return server.fetch(r)
      },
    })
    await slow.sync.pull()
    slow.store.dispatch({ type: 'increment', payload: 'x' })
    await vi.waitFor(() => expect(slow.sync.getSnapshot().inFlight).toBeDefined())
    const sent = slow.store.logs.events.at(-1)!
    a.store.dispatch({ type: 'set', payload: { key: 'x', value: 10 } })
    await a.sync.flush()
    await slow.sync.pull()
    // The event in flight expects version 0 of a stream now at 1: the server can only refuse
    // it, so its command is decided again on x = 10 (same event id), never folded on it as was.
    expect(slow.store.logs.events.at(-1)).toMatchObject({
      id: sent.id,
      payload: { key: 'x', value: 11 },
    })
    release()
    await slow.sync.flush()
    await slow.sync.pull()
    await b.sync.pull()
    const stored = await server.stored()
    expect(stored.map((e) => e.payload)).toEqual([
      { key: 'x', value: 10 },
      { key: 'x', value: 11 },
    ])
    expect(slow.store.getState()).toEqual(fold(stored))
    expect(b.store.getState()).toEqual({ x: 11 })
    // The stale claim was sent (its clientSeq had to be) and refused; the new decision stored.
    const posted = server
      .posts()
      .flatMap((p) => p.events.map((e: any) => [e.clientSeq, e.payload.value]))
    expect(posted.filter(([, v]: number[]) => v === 1 || v === 11)).toEqual([
      [1, 1],
      [2, 11],
    ])
  })

  it('two clients converge through the server with long polls', async () => {
    const server = testServer()
    const a = client(server, { live: 'poll', pollWaitMs: 5000 })
    const b = client(server, { live: 'poll', pollWaitMs: 5000 })
    for (let i = 0; i < 5; i++) {
      a.store.dispatch({ type: 'increment', payload: 'x' })
      b.store.dispatch({ type: 'increment', payload: 'x' })
      b.store.dispatch({ type: 'add', payload: { key: 'y', by: i } })
    }
    await Promise.all([a.sync.flush(), b.sync.flush()])
    const stored = await server.stored()
    expect(stored).toHaveLength(15)
    // Nobody asked to pull: the long polls bring everything.
    await vi.waitFor(() => {
      expect(a.store.getState()).toEqual(fold(stored))
      expect(b.store.getState()).toEqual(fold(stored))
    })
    expect(a.replica.pending()).toEqual([])
    expect(b.replica.pending()).toEqual([])
  })

  it("another client's event with a local event's id settles nothing of ours; both apply once", async () => {
    const server = testServer()
    // b's event waits for the batch delay (its clock does not move): pending when the other arrives.
    const b = client(server, { batch: { maxEvents: 5, maxDelayMs: 1000 }, clock: manualClock() })
    await b.sync.ready
    b.store.dispatch({ type: 'add', payload: { key: 'x', by: 1 } })
    const id = b.store.logs.events[0]!.id
    // Mallory can read b's events, guesses b's next id, and stores her event under it first.
    await storeAs(server, 'mallory', 1, id, { key: 'x', by: 100 })
    await b.sync.pull()
    // Hers is a remote event of its own; ours is still pending, not "confirmed" at her position.
    expect(b.replica.pending().map((e) => e.id)).toEqual([id])
    expect(b.store.logs.events.map((e) => [e.id, e.origin])).toEqual([
      [remoteEventId('mallory', id), 'remote'],
      [id, 'local'],
    ])
    expect(b.store.getState()).toEqual({ x: 101 })
    await b.sync.flush()
    await b.sync.pull()
    await b.sync.pull()
    const stored = await server.stored()
    expect(stored.map((e) => [e.clientId, e.id])).toEqual([
      ['mallory', id],
      [b.sync.clientId, id],
    ])
    // Each applied once, ours at the position the server stored it at.
    expect(b.store.logs.events.map((e) => [e.id, e.position])).toEqual([
      [remoteEventId('mallory', id), stored[0]!.position],
      [id, stored[1]!.position],
    ])
    expect(b.replica.settled).toBe(2)
    expect(b.store.getState()).toEqual(fold(stored))

    // Also once ours is settled: her later event with the same id is hers, not a duplicate.
    await storeAs(server, 'trudy', 1, id, { key: 'x', by: 1000 })
    await b.sync.pull()
    const after = await server.stored()
    expect(after).toHaveLength(3)
    expect(b.store.logs.events).toHaveLength(3)
    expect(b.store.getState()).toEqual(fold(after))
    expect(fold(after)).toEqual({ x: 1101 })
  })

  it('keeps ids stable across connections of one store, so nothing is applied twice', async () => {
    const server = testServer()
    const store = counterStore()
    const first = client(server, {}, store)
    store.dispatch({ type: 'add', payload: { key: 'x', by: 1 } })
    await first.sync.flush()
    await storeAs(server, 'other', 1, store.logs.events[0]!.id, { key: 'x', by: 10 })
    await first.sync.pull()
    expect(store.getState()).toEqual({ x: 11 })
    await first.sync.close()
    // Connected again without persistence: the store keeps its clientId, reading from the start.
    const second = client(server, {}, store)
    await second.sync.ready
    expect(second.sync.clientId).toBe(first.sync.clientId)
    await second.sync.pull()
    expect(store.logs.events).toHaveLength(2)
    expect(store.getState()).toEqual(fold(await server.stored()))
    store.dispatch({ type: 'add', payload: { key: 'x', by: 100 } })
    await second.sync.flush()
    await second.sync.pull()
    expect(store.logs.events).toHaveLength(3)
    expect(second.replica.pending()).toEqual([])
    expect(store.getState()).toEqual(fold(await server.stored()))
    expect(store.getState()).toEqual({ x: 111 })
  })

  it('pokes over Server-Sent Events make the client pull', async () => {
    const server = testServer()
    const a = client(server)
    const b = client(server, { live: 'sse' })
    await b.sync.ready
    await vi.waitFor(() =>
      expect(server.requests.some((r) => r.path.startsWith('/events/stream'))).toBe(true),
    )
    a.store.dispatch({ type: 'set', payload: { key: 'z', value: 3 } })
    await a.sync.flush()
    await vi.waitFor(() => expect(b.store.getState()).toEqual({ z: 3 }))
  })
})
