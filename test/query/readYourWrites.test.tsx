// @vitest-environment jsdom
import { createStore } from '@strata/state'
import {
  invalidateOnConfirm,
  SyncProvider,
  syncQueryFn,
  useInvalidateOnConfirm,
  useSyncQuery,
} from '@strata/state/query'
import { connectSync, type Sync, SyncError } from '@strata/state/sync'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  type CounterEvent,
  type Counters,
  counterReducer,
  countersProjection,
  manualClock,
  testServer,
} from '../sync/helpers'

const open: Sync[] = []
afterEach(async () => {
  cleanup()
  await Promise.all(open.splice(0).map((s) => s.close()))
})

/** A server whose counters view folds the first event at once and the rest only when released. */
function slowServer() {
  let release!: () => void
  const gate = new Promise<void>((r) => (release = r))
  let applied = 0
  const server = testServer({
    projections: [countersProjection(() => (applied++ === 0 ? Promise.resolve() : gate))],
  })
  return { server, release }
}

function client(server: ReturnType<typeof testServer>) {
  const store = createStore({ initialState: {} as Counters, reducer: counterReducer })
  const sync = connectSync(store, {
    fetch: server.fetch,
    batch: { maxEvents: 10, maxDelayMs: 0 },
    persist: false,
    live: 'off',
  })
  open.push(sync)
  return { store, sync }
}

const add = (by: number): CounterEvent => ({ type: 'added', payload: { key: 'a', by } })

/** The example: a count read from the server's view, and a button that writes. */
function Counter({
  onAdd,
  seen,
}: {
  onAdd: () => void
  seen: (value: number | undefined) => void
}) {
  useInvalidateOnConfirm({ added: [['counters']] })
  const { data } = useSyncQuery<Counters>({ queryKey: ['counters'], url: 'views/counters' })
  seen(data?.a)
  return (
    <div>
      <output>{data ? `a = ${data.a}` : 'loading'}</output>
      <button type="button" onClick={onAdd}>
        add 10
      </button>
    </div>
  )
}

describe('TanStack Query helpers', () => {
  it('a component never shows a read older than its own write', async () => {
    const { server, release } = slowServer()
    const { store, sync } = client(server)
    store.dispatch(add(1))
    await sync.flush()
    const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } })
    const shown: (number | undefined)[] = []
    let confirmedAt = -1
    sync.onConfirm(() => (confirmedAt = shown.length))
    render(
      <QueryClientProvider client={queries}>
        <SyncProvider sync={sync}>
          <Counter onAdd={() => store.dispatch(add(10))} seen={(v) => shown.push(v)} />
        </SyncProvider>
      </QueryClientProvider>,
    )
    await screen.findByText('a = 1')
    fireEvent.click(screen.getByText('add 10'))
    // Stored and confirmed, but the view has not folded it: the refetch waits for it.
    await vi.waitFor(() => expect(confirmedAt).toBeGreaterThan(0))
    await act(() => new Promise((r) => setTimeout(r, 50)))
    expect(screen.getByText('a = 1')).toBeTruthy()
    release()
    await screen.findByText('a = 11')
    // Old, then new, never back: and exactly two results fetched, so none after the write lacked it.
    const values = shown.filter((v) => v !== undefined)
    expect(values.indexOf(11)).toBe(values.lastIndexOf(1) + 1)
    expect(queries.getQueryState(['counters'])?.dataUpdateCount).toBe(2)
  })

  it('invalidates only the queries the confirmed event types name', async () => {
    const server = testServer()
    const { store, sync } = client(server)
    const queries = new QueryClient()
    const invalidate = vi.spyOn(queries, 'invalidateQueries')
    const stop = invalidateOnConfirm(sync, queries, {
      added: (e) => [['counters'], ['counter', (e.event as CounterEvent).payload.key]],
      set: [['never']],
    })
    store.dispatch(add(1))
    store.dispatch(add(2))
    await sync.flush()
    expect(invalidate.mock.calls.map(([filters]) => filters?.queryKey)).toEqual([
      ['counters'],
      ['counter', 'a'],
    ])
    stop()
    store.dispatch(add(3))
    await sync.flush()
    expect(invalidate).toHaveBeenCalledTimes(2)
  })

  it('invalidates a key once per batch, its objects compared as TanStack Query hashes them', async () => {
    const server = testServer()
    const { store, sync } = client(server)
    const queries = new QueryClient()
    const invalidate = vi.spyOn(queries, 'invalidateQueries')
    invalidateOnConfirm(sync, queries, {
      added: (e) => {
        const { key } = (e.event as CounterEvent).payload
        return key === 'a'
          ? [['counters', { page: 1, sort: 'key' }]]
          : [['counters', { sort: 'key', page: 1 }]]
      },
    })
    store.dispatch(add(1))
    store.dispatch({ type: 'added', payload: { key: 'b', by: 2 } })
    await sync.flush()
    expect(invalidate.mock.calls.map(([filters]) => filters?.queryKey)).toEqual([
      ['counters', { page: 1, sort: 'key' }],
    ])
  })

  it('a read of a view not caught up in time throws a SyncError with the Retry-After', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const server = testServer({
      projections: [countersProjection(() => gate)],
      limits: { viewWaitMs: 10, retryAfterSeconds: 2 },
    })
    const { store, sync } = client(server)
    store.dispatch(add(1))
    await sync.flush()
    const read = syncQueryFn(sync, 'views/counters')
    const context = { queryKey: ['counters'], signal: new AbortController().signal } as any
    const failure = await Promise.resolve()
      .then(() => read(context))
      .then(
        () => undefined,
        (error: unknown) => error,
      )
    expect(failure).toBeInstanceOf(SyncError)
    expect(failure).toMatchObject({
      code: 'unavailable',
      operation: 'read',
      status: 503,
      retryAfterMs: 2000,
    })
    release()
  })

  it('invalidates for an event this client had stored under its id, confirmed from the response', async () => {
    const server = testServer()
    const store = createStore({ initialState: {} as Counters, reducer: counterReducer })
    // Events wait for the batch delay (the clock stands); this tab pulls only its stream.
    const sync = connectSync(store, {
      fetch: server.fetch,
      batch: { maxEvents: 10, maxDelayMs: 1000 },
      clock: manualClock(),
      streams: ['default'],
      persist: false,
      live: 'off',
    })
    open.push(sync)
    const queries = new QueryClient()
    const invalidate = vi.spyOn(queries, 'invalidateQueries')
    invalidateOnConfirm(sync, queries, { added: [['counters']] })
    await sync.ready
    store.dispatch(add(1))
    const { id } = store.logs.events[0]!
    // Another tab of this client sent it first (a race), to a stream this tab does not pull.
    const stored = await server.server.fetch(
      new Request('http://s/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          protocol: 1,
          clientId: sync.clientId,
          events: [
            { clientSeq: 1, id, stream: 'tab-2', type: 'added', payload: add(1).payload, at: 1 },
          ],
        }),
      }),
    )
    expect(stored.status).toBe(200)
    // Learns lastSeq, so its send takes the next clientSeq and is answered `duplicate_id`.
    await sync.pull()
    await sync.flush()
    expect(store.logs.events[0]!.position).toBe('v1:1')
    expect(invalidate.mock.calls.map(([filters]) => filters?.queryKey)).toEqual([['counters']])
  })
})
