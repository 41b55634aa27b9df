import { connectSync, replicaOf, type Sync } from '@strata/state/sync'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { counterStore, manualClock, testServer } from './helpers'

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

function client(server: ReturnType<typeof testServer>, batch = { maxEvents: 3, maxDelayMs: 50 }) {
  const store = counterStore()
  const clock = manualClock()
  const sync = connectSync(store, {
    fetch: server.fetch,
    batch,
    persist: false,
    live: 'off',
    clock,
  })
  open.push(sync)
  return { store, sync, clock, replica: replicaOf(store) }
}

describe('sending', () => {
  it('sends a batch as soon as maxEvents events wait', async () => {
    const server = testServer()
    const { store, sync } = client(server)
    await sync.ready
    for (let i = 0; i < 7; i++) store.dispatch({ type: 'add', payload: { key: 'a', by: 1 } })
    await vi.waitFor(() => expect(server.posts()).toHaveLength(2))
    expect(server.posts().map((b) => b.events.map((e: any) => e.clientSeq))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ])
    // The seventh waits for the delay: the clock has not moved.
    expect(sync.getSnapshot().outbox.map((e) => e.state)).toEqual(['waiting'])
  })

  it('sends a partial batch once maxDelayMs has passed, not before', async () => {
    const server = testServer()
    const { store, sync, clock } = client(server)
    await sync.ready
    store.dispatch({ type: 'add', payload: { key: 'a', by: 1 } })
    store.dispatch({ type: 'add', payload: { key: 'a', by: 2 } })
    clock.advance(49)
    await new Promise((r) => setTimeout(r, 20))
    expect(server.posts()).toHaveLength(0)
    clock.advance(1)
    await vi.waitFor(() => expect(server.posts()).toHaveLength(1))
    expect(server.posts()[0].events.map((e: any) => e.payload)).toEqual([
      { key: 'a', by: 1 },
      { key: 'a', by: 2 },
    ])
  })

  it('confirms stored events with their positions and moves the token', async () => {
    const server = testServer()
    const { store, sync } = client(server)
    store.dispatch({ type: 'add', payload: { key: 'a', by: 1 } })
    store.dispatch({ type: 'add', payload: { key: 'b', by: 2 } })
    await sync.flush()
    expect(store.logs.events.map((e) => e.position)).toEqual(['v1:1', 'v1:2'])
    expect(sync.position).toBe('v1:2')
    expect(sync.status).toBe('idle')
    const stored = await server.stored()
    expect(stored.map((e) => [e.id, e.clientId, e.clientSeq])).toEqual(
      store.logs.events.map((e, i) => [e.id, sync.clientId, i + 1]),
    )
  })

  it('reports status sending while events wait, idle once confirmed', async () => {
    const server = testServer()
    const { store, sync } = client(server)
    await sync.ready
    const seen: string[] = []
    sync.subscribe(() => {
      if (seen.at(-1) !== sync.status) seen.push(sync.status)
    })
    store.dispatch({ type: 'add', payload: { key: 'a', by: 1 } })
    await sync.flush()
    expect(seen).toEqual(['sending', 'idle'])
  })
})

describe('pause and resume', () => {
  it('sends nothing while paused, and everything on resume', async () => {
    const server = testServer()
    const { store, sync } = client(server, { maxEvents: 1, maxDelayMs: 0 })
    await sync.ready
    sync.pause()
    expect(sync.status).toBe('offline')
    store.dispatch({ type: 'add', payload: { key: 'a', by: 1 } })
    store.dispatch({ type: 'add', payload: { key: 'a', by: 2 } })
    await new Promise((r) => setTimeout(r, 20))
    expect(server.posts()).toEqual([])
    expect(sync.getSnapshot().paused).toBe(true)
    sync.resume()
    await sync.flush()
    expect((await server.stored()).map((e) => e.clientSeq)).toEqual([1, 2])
    expect(sync.status).toBe('idle')
  })
})

describe('connecting', () => {
  it('sends events dispatched before connectSync was called', async () => {
    const server = testServer()
    const store = counterStore()
    store.dispatch({ type: 'add', payload: { key: 'early', by: 1 } })
    const sync = connectSync(store, { fetch: server.fetch, persist: false, live: 'off' })
    open.push(sync)
    await vi.waitFor(async () => expect(await server.stored()).toHaveLength(1))
    expect(store.logs.events[0]!.position).toBe('v1:1')
  })

  it('explains what it needs when given neither url nor fetch', () => {
    expect(() => connectSync(counterStore(), { persist: false })).toThrow(
      /^\[strata\] connectSync needs `url`.*received neither/,
    )
    expect(() => connectSync(counterStore(), { url: '/x', batch: { maxEvents: 0 } })).toThrow(
      /`batch.maxEvents` to be a number ≥ 1, received 0/,
    )
  })
})

describe('reconnecting the same store without persistence', () => {
  it('keeps its clientId and sequence, so a resend is stored once', async () => {
    const server = testServer()
    const store = counterStore()
    const first = connectSync(store, { fetch: server.fetch, persist: false, live: 'off' })
    await first.ready
    store.dispatch({ type: 'add', payload: { key: 'a', by: 1 } })
    await first.flush()
    await first.close()
    const second = connectSync(store, { fetch: server.fetch, persist: false, live: 'off' })
    open.push(second)
    await second.ready
    expect(second.clientId).toBe(first.clientId)
    store.dispatch({ type: 'add', payload: { key: 'a', by: 1 } })
    await second.flush()
    const seqs = server.posts().flatMap((b) => b.events.map((e: any) => [b.clientId, e.clientSeq]))
    expect(seqs).toEqual([
      [first.clientId, 1],
      [first.clientId, 2],
    ])
  })
})
