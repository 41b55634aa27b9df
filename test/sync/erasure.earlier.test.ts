import { createStore } from '@strata/state'
import { createEventServer, memoryStorage } from '@strata/state/server'
import { connectSync, isErased, type PersonalData, type Sync } from '@strata/state/sync'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { internalsOf } from '../../src/core/internals'
import { ADA, BOB, everything, forget, text } from './erasure.helpers'
import { manualClock } from './helpers'

// A page of earlier history (history.loadEarlier) the server answered before a forget, that
// arrives after the tab caught up with the erasure: the tab scrubbed its memory and storage
// before the page was in them, so the page must not bring the plaintext back, neither in its
// events nor in the state it starts from (the server's kept state, folded before the forget).

const personal: PersonalData = {
  'card/added': { subject: (p) => p.authorId, fields: ['author'] },
}
const N = 2500
interface Board {
  authors: string[]
  count: number
}
type CardAdded = { type: 'card/added'; payload: { authorId: string; author: unknown } }
function reducer(draft: Board, event: CardAdded) {
  if (event.type !== 'card/added') return
  draft.count++
  const name = isErased(event.payload.author) ? '(erased)' : String(event.payload.author)
  if (!draft.authors.includes(name)) draft.authors.push(name)
}
const initialState: Board = { authors: [], count: 0 }

/** A server with a snapshot of the board kept every 1,000 events; Ada's card is event `ada`. */
async function seeded(ada: number) {
  const server = createEventServer({
    storage: memoryStorage(),
    personal,
    snapshots: [{ name: 'board', initialState, reducer, version: 1, keepEvery: 1000 }],
    authorize: (r) =>
      r.headers.get('authorization') === 'Bearer root' ? { id: 'root', admin: true } : { id: 'u' },
  })
  for (let from = 1; from <= N; from += 1000) {
    const events = Array.from({ length: Math.min(1000, N - from + 1) }, (_, k) => {
      const i = from + k
      const who = i === ada ? 'ada' : 'bob'
      return {
        clientSeq: i,
        id: `seeder-${i}`,
        stream: 'default',
        type: 'card/added',
        payload: { authorId: who, author: who === 'ada' ? ADA : BOB },
        at: 1,
      }
    })
    const response = await server.fetch(
      new Request('http://strata.test/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ protocol: 1, clientId: 'seeder', events }),
      }),
    )
    if (response.status !== 200) throw new Error(await response.text())
  }
  // Folded up to the last event (the latest snapshot waits for its fold).
  await server.fetch(new Request('http://strata.test/snapshots/board'))
  return server
}

// Seconds when the machine is loaded (the default 1 s failed there).
const slow = { timeout: 10_000 }

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

/**
 * A fresh tab booted from the server's snapshot, whose fetch answers the first request `held`
 * picks at once from the server but hands the answer over only when `release` is called.
 */
function heldTab(server: Awaited<ReturnType<typeof seeded>>, held: (url: URL) => boolean) {
  let release!: () => void
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  const state = { asked: false }
  const fetch = async (request: Request) => {
    const url = new URL(request.url)
    if (state.asked || !held(url)) return server.fetch(request)
    state.asked = true
    const response = await server.fetch(request)
    await gate
    return response
  }
  const store = createStore({ initialState, reducer, version: 1, history: { window: 1000 } })
  const sync = connectSync(store, {
    fetch,
    persist: { indexedDB: new IDBFactory(), name: 'app' },
    live: 'off',
    clock: manualClock(),
    random: () => 1,
    personal,
    snapshot: 'board',
  })
  open.push(sync)
  return { store, sync, release, state }
}

describe('a page of earlier history answered before a forget, arriving after the tab scrubbed', () => {
  it.each([
    // Ada's card is the first event: every state the server kept holds her name.
    ['the kept state it starts from', 1, (u: URL) => u.searchParams.has('before')],
    // Her card is in the events after the kept state (1,000), read and decoded before the
    // forget; the page's next request (after 2,000) is the one held.
    ['its events', 1500, (u: URL) => u.searchParams.get('after') === 'v1:2000'],
  ])(
    'brings no plaintext back through %s',
    async (_what, ada, held) => {
      const server = await seeded(ada)
      const tab = heldTab(server, held)
      await tab.sync.pull()
      expect(tab.sync.getSnapshot().boot).toBe('server-snapshot')
      expect(tab.store.history.start).toBe(N)
      const loading = tab.store.history.loadEarlier(1000)
      await vi.waitFor(() => expect(tab.state.asked).toBe(true), slow)
      await forget(server, 'ada')
      // The pull hears of the forget, scrubs the tab and asks for a refold (queued behind the page).
      const pulled = tab.sync.pull()
      await vi.waitFor(() => expect(internalsOf(tab.store).refolding).toBeDefined(), slow)
      tab.release()
      expect(await loading).toBeGreaterThanOrEqual(1000)
      // As it arrives, before the refold the erasure asked for has run (the window's own base,
      // from the boot, waits for it): the page's events and the states folded from its base.
      expect(tab.store.history.start).toBeLessThanOrEqual(N - 1000)
      const states = []
      for (let i = tab.store.history.start; i < N; i++) states.push(tab.store.logs.states.at(i))
      expect(text({ events: tab.store.logs.events, states })).not.toContain('Lovelace')
      await pulled
      await internalsOf(tab.store).refolding
      expect(tab.store.history.start).toBeLessThanOrEqual(N - 1000)
      expect(everything(tab)).not.toContain('Lovelace')
      const authors = ada === 1 ? ['(erased)', BOB] : [BOB, '(erased)']
      expect(tab.store.getState()).toEqual({ authors, count: N })
      // Paged in down to the first event, the history holds her card erased, once.
      while (tab.store.history.start > 0) await tab.store.history.loadEarlier()
      expect(everything(tab)).not.toContain('Lovelace')
      expect(tab.store.logs.events.filter((e) => e.event.payload.authorId === 'ada')).toHaveLength(
        1,
      )
    },
    30_000,
  )
})
