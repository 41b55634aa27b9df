import { createMockServer, type MockServer } from '@strata/state/msw'
import { connectSync, type Sync } from '@strata/state/sync'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { counterStore, countersProjection, manualClock } from './helpers'

const BASE = 'http://api.test/sync'
const network = setupServer()
beforeAll(() => network.listen({ onUnhandledRequest: 'error' }))
afterAll(() => network.close())

const open: Sync[] = []
let mock: MockServer | undefined
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
  network.resetHandlers()
  await mock?.close()
})

function setup(options: Parameters<typeof createMockServer>[0] = {}) {
  mock = createMockServer({ baseUrl: BASE, onError: () => {}, ...options })
  network.use(...mock.handlers)
  const store = counterStore()
  const clock = manualClock()
  const sync = connectSync(store, {
    url: BASE,
    batch: { maxEvents: 10, maxDelayMs: 0 },
    persist: false,
    live: 'off',
    clock,
    random: () => 1,
  })
  open.push(sync)
  return { mock, store, sync, clock }
}

const add = (by: number) => ({ type: 'add' as const, payload: { key: 'a', by } })

describe('over the network (msw)', () => {
  it('offline, then online: the outbox waits, then delivers everything once, in order', async () => {
    const { mock, store, sync, clock } = setup({ offline: true })
    store.dispatch(add(1))
    store.dispatch(add(2))
    await vi.waitFor(() => expect(sync.status).toBe('offline'))
    store.dispatch(add(3))
    expect(store.getState()).toEqual({ a: 6 })
    mock.set({ offline: false })
    await vi.waitFor(() => {
      clock.advance(1000)
      expect(sync.status).toBe('idle')
    })
    const read = await mock.server.fetch(new Request(`${BASE}/events`))
    const { events } = (await read.json()) as { events: { clientSeq: number }[] }
    expect(events.map((e) => e.clientSeq)).toEqual([1, 2, 3])
    expect(store.logs.events.map((e) => e.position)).toEqual(['v1:1', 'v1:2', 'v1:3'])
  })

  it('a response lost after commit: the retry stores nothing twice and the token reads the write', async () => {
    const { mock, store, sync, clock } = setup({
      loseResponseAfterCommit: true,
      projections: [countersProjection()],
    })
    store.dispatch(add(4))
    await vi.waitFor(() => expect(sync.getSnapshot().retry?.attempt).toBe(1))
    mock.set({ loseResponseAfterCommit: false })
    clock.advance(1000)
    await sync.flush()
    expect(store.logs.events[0]!.position).toBe('v1:1')
    expect(sync.position).toBe('v1:1')
    const response = await sync.fetch('views/counters')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ a: 4 })
    // The read is kept for the devtools' sync tab: what it waited for and what it got.
    expect(sync.reads()).toEqual([
      expect.objectContaining({ position: 'v1:1', served: 'v1:1', status: 200, waitedMs: 0 }),
    ])
    expect(sync.reads()[0]!.key).toMatch(/views\/counters$/)
  })

  it('read-your-writes: a read with the token waits for a slow projection, never stale', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let applied = 0
    // The projection folds the first event at once, then stalls until released.
    const { store, sync } = setup({
      projections: [countersProjection(() => (applied++ === 0 ? Promise.resolve() : gate))],
    })
    store.dispatch(add(1))
    await sync.flush()
    await vi.waitFor(async () =>
      expect(await (await fetch(`${BASE}/views/counters`)).json()).toEqual({ a: 1 }),
    )
    store.dispatch(add(10))
    await sync.flush()
    // A plain read answers at once, without the write.
    expect(await (await fetch(`${BASE}/views/counters`)).json()).toEqual({ a: 1 })
    let answered = false
    const read = sync.fetch(`${BASE}/views/counters`).then((r) => {
      answered = true
      return r
    })
    await new Promise((r) => setTimeout(r, 50))
    expect(answered).toBe(false)
    release()
    const response = await read
    expect(response.headers.get('x-position')).toBe('v1:2')
    expect(await response.json()).toEqual({ a: 11 })
  })
})
