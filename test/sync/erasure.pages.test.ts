import { createStore } from '@strata/state'
import { connectSync, isErased, type PersonalData, type Sync } from '@strata/state/sync'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { idbStorage } from '../../src/sync/idbStorage'
import {
  ADA,
  BOB,
  type ErasureServer,
  erasureServer,
  everything,
  forget,
  idbContents,
} from './erasure.helpers'
import { manualClock } from './helpers'

// A window of 1,000 events over 2,500: the settled snapshot and the pages of earlier history in
// IndexedDB hold Ada's name (her card is the first event). After the forget none does, on the tab
// that was connected and on one that was closed meanwhile and boots from its old snapshot.

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

async function seed(s: ErasureServer) {
  for (let from = 1; from <= N; from += 1000) {
    const events = Array.from({ length: Math.min(1000, N - from + 1) }, (_, k) => {
      const i = from + k
      const ada = i === 1
      return {
        clientSeq: i,
        id: `seeder-${i}`,
        stream: 'default',
        type: 'card/added',
        payload: { authorId: ada ? 'ada' : 'bob', author: ada ? ADA : BOB },
        at: 1,
      }
    })
    const response = await s.fetch(
      new Request('http://strata.test/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ protocol: 1, clientId: 'seeder', events }),
      }),
    )
    if (response.status !== 200) throw new Error(await response.text())
  }
}

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

function profile(s: ErasureServer) {
  const indexedDB = new IDBFactory()
  const tab = () => {
    const store = createStore({
      initialState: { authors: [], count: 0 } as Board,
      reducer,
      version: 1,
      history: { window: 1000 },
    })
    const clock = manualClock()
    const sync = connectSync(store, {
      fetch: s.fetch,
      persist: { indexedDB, name: 'app' },
      live: 'off',
      clock,
      random: () => 1,
      personal,
    })
    open.push(sync)
    return { store, sync, clock }
  }
  return { tab, contents: () => idbContents(indexedDB) }
}

describe('erasure reaches the settled snapshot and the pages of earlier history', () => {
  it('a connected tab drops them, and pages in scrubbed history after', async () => {
    const s = erasureServer(personal)
    await seed(s)
    const p = profile(s)
    const tab = p.tab()
    await tab.sync.pull()
    tab.clock.advance(2000)
    // 2,500 events paged to IndexedDB: seconds when the machine is loaded (the default 1 s and
    // 5 s timeouts failed there, never on a quiet one).
    const slow = { timeout: 15_000 }
    await vi.waitFor(() => expect(tab.store.history.start).toBeGreaterThan(0), slow)
    await vi.waitFor(async () => expect(await p.contents()).toContain(ADA), slow)

    await forget(s, 'ada')
    await tab.sync.pull()
    expect(await p.contents()).not.toContain('Lovelace')
    expect(tab.store.getState()).toEqual({ authors: ['(erased)', BOB], count: N })
    while (tab.store.history.start > 0) await tab.store.history.loadEarlier()
    expect(everything(tab)).not.toContain('Lovelace')
    // Written again after the forget: nothing of the name in what the tab keeps now.
    tab.clock.advance(2000)
    await tab.sync.close()
    expect(await p.contents()).not.toContain('Lovelace')
  }, 30_000)

  it('a tab closed during the forget boots from its old snapshot and scrubs', async () => {
    const s = erasureServer(personal)
    await seed(s)
    const p = profile(s)
    const before = p.tab()
    await before.sync.pull()
    before.clock.advance(2000)
    await vi.waitFor(() => expect(before.store.history.start).toBeGreaterThan(0))
    await before.sync.close()
    expect(await p.contents()).toContain(ADA)

    await forget(s, 'ada')
    const back = p.tab()
    await back.sync.ready
    expect(back.sync.getSnapshot().boot).toBe('local-snapshot')
    await back.sync.pull()
    await vi.waitFor(async () => expect(await p.contents()).not.toContain('Lovelace'))
    expect(back.store.getState()).toEqual({ authors: ['(erased)', BOB], count: N })
    expect(everything(back)).not.toContain('Lovelace')
  })

  it('the scrub drops the state kept beside each page too', async () => {
    // A page's base is the folded state before it (Ada's name in it); the page is rewritten after
    // the scrub only if the tab lives on and still holds those events, so the base goes with it.
    const indexedDB = new IDBFactory()
    const storage = idbStorage({ indexedDB, name: 'app' })
    await storage.open()
    const page = { version: '1', start: 'v1:1', end: 'v1:2', from: 1, events: [], commands: [] }
    await storage.history!.savePage(page, { authors: [ADA], count: 1 })
    expect(await idbContents(indexedDB)).toContain(ADA)
    await storage.scrub!(() => undefined, ['ada'])
    expect(await idbContents(indexedDB)).not.toContain('Lovelace')
    storage.close()
  })
})
