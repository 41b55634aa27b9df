import { inspect } from 'node:util'
import { createStore } from '@strata/state'
import { connectSync, isErased, type PersonalData, type Sync } from '@strata/state/sync'
import { exportSession, replaySession, serializeSession } from '@strata/state/testing'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ADA, BOB, type ErasureServer, erasureServer, forget, idbContents } from './erasure.helpers'
import { faulty, manualClock } from './helpers'

const personal: PersonalData = {
  'card/added': { subject: (p) => p.authorId, fields: ['author'] },
}

interface Board {
  cards: { title: string; author: string }[]
}
type CardAdded = {
  type: 'card/added'
  payload: { authorId: string; author: unknown; title: string }
}

/** The README's reducer: the placeholder is a value like any other. */
const shown = (v: unknown) => (isErased(v) ? '(erased)' : String(v))
function reducer(draft: Board, event: CardAdded) {
  if (event.type === 'card/added')
    draft.cards.push({ title: event.payload.title, author: shown(event.payload.author) })
}

const card = (authorId: string, author: string, title: string): CardAdded => ({
  type: 'card/added',
  payload: { authorId, author, title },
})

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

/** A browser profile: its IndexedDB shared by every reload. */
function browser(s: ErasureServer) {
  const indexedDB = new IDBFactory()
  const tab = (offline = false) => {
    const store = createStore({ initialState: { cards: [] } as Board, reducer, version: 1 })
    const sync = connectSync(store, {
      fetch: offline ? faulty(s.fetch, () => 'network') : s.fetch,
      batch: { maxEvents: 10, maxDelayMs: 0 },
      persist: { indexedDB, name: 'app' },
      live: 'off',
      clock: manualClock(),
      random: () => 1,
      personal,
    })
    open.push(sync)
    return { store, sync }
  }
  return { tab, contents: () => idbContents(indexedDB) }
}

const everything = (t: { store: ReturnType<typeof createStore<Board, any>> }) =>
  inspect(
    { logs: t.store.logs, state: t.store.getState(), history: t.store.history },
    { depth: Number.POSITIVE_INFINITY, maxArrayLength: null },
  )

describe('erasure on the client', () => {
  it('a connected client scrubs its logs, outbox and IndexedDB, and refolds', async () => {
    const s = erasureServer(personal)
    const a = browser(s)
    const tab = a.tab()
    tab.store.dispatch(card('ada', ADA, 'Engine notes'))
    tab.store.dispatch(card('bob', BOB, 'Sanitize inputs'))
    await tab.sync.flush()
    await tab.sync.pull()
    expect(everything(tab)).toContain(ADA)
    const recordedBefore = serializeSession(exportSession(tab.store))
    expect(recordedBefore).toContain(ADA)
    await forget(s, 'ada')
    await tab.sync.pull()
    expect(everything(tab)).not.toContain(ADA)
    expect(everything(tab)).toContain(BOB)
    expect(tab.store.getState().cards).toEqual([
      { title: 'Engine notes', author: '(erased)' },
      { title: 'Sanitize inputs', author: BOB },
    ])
    expect(await a.contents()).not.toContain(ADA)

    // A session exported now holds no plaintext, and replays with the erasure in it reported.
    const after = serializeSession(exportSession(tab.store))
    expect(after).not.toContain(ADA)
    expect(after).toContain(BOB)
    const replayedAfter = replaySession(after, { reducer, personal })
    expect(replayedAfter.ok).toBe(true)
    expect(replayedAfter.erasures).toEqual([{ subject: 'ada', index: 2, holding: [] }])
    // The audit's type dispatched on this device is not the server's audit: no erasure.
    const local = JSON.parse(after)
    expect(local.events[2].origin).toBe('remote')
    delete local.events[2].origin
    expect(replaySession(JSON.stringify(local), { reducer, personal }).erasures).toEqual([])
    // One recorded before it replays as recorded: the erasure is reported, not a divergence.
    const replayedBefore = replaySession(recordedBefore, {
      reducer,
      personal,
      forgotten: ['ada'],
    })
    expect(replayedBefore.ok).toBe(true)
    expect(replayedBefore.divergences).toEqual([])
    expect(replayedBefore.erasures).toEqual([
      {
        subject: 'ada',
        index: undefined,
        holding: [{ index: 0, type: 'card/added', fields: ['author'] }],
      },
    ])
    expect(JSON.stringify(replayedBefore.erasures)).not.toContain(ADA)
  })

  it('a client offline during the erasure scrubs on reconnect, its unsent event too', async () => {
    const s = erasureServer(personal)
    const a = browser(s)
    const b = browser(s)
    const writer = a.tab()
    writer.store.dispatch(card('ada', ADA, 'Engine notes'))
    await writer.sync.flush()
    const reader = b.tab()
    await reader.sync.pull()
    expect(everything(reader)).toContain(ADA)
    await reader.sync.close()
    // Offline: a new card by Ada waits in B's outbox; closing keeps a snapshot of the board.
    const away = b.tab(true)
    await away.sync.ready
    away.store.dispatch(card('ada', ADA, 'Offline idea'))
    await vi.waitFor(() => expect(away.sync.status).toBe('offline'))
    await away.sync.close()
    expect(await b.contents()).toContain(ADA)

    await forget(s, 'ada')
    const back = b.tab()
    await back.sync.ready
    await back.sync.pull()
    await back.sync.flush()
    await back.sync.pull()
    expect(everything(back)).not.toContain(ADA)
    expect(await b.contents()).not.toContain(ADA)
    expect(back.store.getState().cards.map((c) => c.author)).toEqual(['(erased)', '(erased)'])
    // What the server stored of the offline card holds no name either.
    const read = await s.fetch(new Request('http://strata.test/events?after=v1:0'))
    expect(JSON.stringify(await read.json())).not.toContain(ADA)
  })
})
