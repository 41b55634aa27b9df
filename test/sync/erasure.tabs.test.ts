import { createStore } from '@strata/state'
import { connectSync, isErased, type PersonalData, type Sync } from '@strata/state/sync'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ADA, BOB, type ErasureServer, erasureServer, forget, idbContents } from './erasure.helpers'
import { fakeLocks, manualClock } from './helpers'

// Two tabs of one profile (one IndexedDB, a real BroadcastChannel): the first pulls the forget and
// scrubs IndexedDB; the second has not pulled it and still holds the name in memory (its logs, its
// settled state, a draft). What it writes after the scrub (drafts, a snapshot with its page) must
// not bring the name back, whether the first tab's message has reached it yet or not.

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
const restore: (() => void)[] = []
afterEach(async () => {
  for (const undo of restore.splice(0)) undo()
  await Promise.all(open.splice(0).map((s) => s.close()))
})

/**
 * BroadcastChannel whose messages wait until `release()`: a tab the first tab's message has not
 * reached yet. Installed for the tabs opened until `restore` runs.
 */
function holdMessages() {
  const Real = globalThis.BroadcastChannel
  const waiting: (() => void)[] = []
  const kinds: string[] = []
  let held = true
  class Held extends Real {
    override set onmessage(receive: ((event: MessageEvent) => void) | null) {
      super.onmessage = (event: MessageEvent) => {
        if (!held) return receive?.(event)
        kinds.push(event.data.kind)
        waiting.push(() => receive?.(event))
      }
    }
    override get onmessage() {
      return super.onmessage
    }
  }
  globalThis.BroadcastChannel = Held
  restore.push(() => (globalThis.BroadcastChannel = Real))
  return {
    release() {
      held = false
      for (const deliver of waiting.splice(0)) deliver()
    },
    kinds,
  }
}

function profile(s: ErasureServer) {
  const indexedDB = new IDBFactory()
  const locks = fakeLocks()
  /** `answered`: what a read's response waits for once the server has answered it. */
  const tab = (answered?: () => Promise<void>) => {
    const store = createStore({ initialState: { cards: [] } as Board, reducer, version: 1 })
    const clock = manualClock()
    const reads: string[] = []
    const sync = connectSync(store, {
      fetch: async (r) => {
        const read = r.method === 'GET' && new URL(r.url).pathname === '/events'
        if (read) reads.push(r.url)
        const response = await s.fetch(r)
        if (read) await answered?.()
        return response
      },
      // Drafts stay drafts until flushed: the clock only moves when the test says.
      batch: { maxEvents: 10, maxDelayMs: 60_000 },
      persist: { indexedDB, name: 'app' },
      live: 'off',
      clock,
      random: () => 1,
      locks,
      personal,
    })
    open.push(sync)
    return { store, sync, clock, reads }
  }
  const contents = () => idbContents(indexedDB)
  /** Reads IndexedDB over and over until stopped: whether the name was ever in it meanwhile. */
  const watch = () => {
    let stop = false
    let seen = false
    const done = (async () => {
      while (!stop) seen ||= (await contents()).includes('Lovelace')
    })()
    return async () => {
      stop = true
      await done
      return seen
    }
  }
  return { tab, contents, watch }
}

type Tab = ReturnType<ReturnType<typeof profile>['tab']>
const authors = (t: Tab) => t.store.getState().cards.map((c) => c.author)

/** Both tabs hold Ada's card; the second also holds a draft of hers, mirrored to IndexedDB. */
async function twoTabs(hold: boolean) {
  const s = erasureServer(personal)
  const p = profile(s)
  const first = p.tab()
  const channel = hold ? holdMessages() : undefined
  const second = p.tab()
  await Promise.all([first.sync.ready, second.sync.ready])
  first.store.dispatch(card('ada', ADA, 'Engine notes'))
  await first.sync.flush()
  await second.sync.pull()
  second.store.dispatch(card('ada', ADA, 'Draft of notes'))
  // The settled state, its page and the draft, in IndexedDB with the name.
  second.clock.advance(2000)
  await vi.waitFor(async () => expect(await p.contents()).toContain('Draft of notes'))
  await vi.waitFor(async () => expect((await p.contents()).split(ADA).length).toBeGreaterThan(3))
  await forget(s, 'ada')
  await first.sync.pull()
  expect(authors(first)).toEqual(['(erased)'])
  expect(await p.contents()).not.toContain('Lovelace')
  return { s, p, first, second, channel }
}

/** Another device's card, straight to the server. */
async function otherDevice(s: ErasureServer, event: CardAdded) {
  const response = await s.fetch(
    new Request('http://strata.test/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        protocol: 1,
        clientId: 'other',
        events: [{ clientSeq: 1, id: 'other-1', stream: 'default', at: 1, ...event }],
      }),
    }),
  )
  expect(response.status).toBe(200)
}

describe('erasure across the tabs of one profile', () => {
  it('the other tab scrubs its memory at once, without pulling the forget', async () => {
    const { p, second } = await twoTabs(false)
    const seen = p.watch()
    const reads = second.reads.length
    await vi.waitFor(() => expect(authors(second)).toEqual(['(erased)', '(erased)']))
    expect(second.reads).toHaveLength(reads)
    const draft = second.store.logs.events.at(-1)!.event as CardAdded
    expect(draft.payload).toEqual({
      authorId: 'ada',
      author: { erased: true },
      title: 'Draft of notes',
    })
    // Its writes from now on hold the placeholder.
    second.store.dispatch(card('bob', BOB, 'Sanitize inputs'))
    second.clock.advance(2000)
    await vi.waitFor(async () => expect(await p.contents()).toContain('Sanitize inputs'))
    expect(await p.contents()).not.toContain('Lovelace')
    await second.sync.close()
    expect(await p.contents()).not.toContain('Lovelace')
    expect(await seen()).toBe(false)
  })

  it('a tab the message has not reached writes no plaintext after the scrub', async () => {
    const { p, first, second, channel } = await twoTabs(true)
    const seen = p.watch()
    expect(authors(second)).toEqual([ADA, ADA])
    expect(channel!.kinds).toContain('forgotten')
    // Right after the scrub, before the message: a new draft (the draft list, Ada's with it) and
    // the settled snapshot with its page.
    second.store.dispatch(card('bob', BOB, 'Sanitize inputs'))
    second.clock.advance(2000)
    // Its writes are refused until it has scrubbed what IndexedDB says was forgotten; then they
    // go through with the placeholder.
    await vi.waitFor(async () => expect(await p.contents()).toContain('Sanitize inputs'))
    expect(await p.contents()).not.toContain('Lovelace')
    expect(authors(second)).toEqual(['(erased)', '(erased)', BOB])
    second.clock.advance(2000)
    await second.sync.close()
    expect(await p.contents()).not.toContain('Lovelace')
    // The message, late: nothing left to do.
    channel!.release()
    await first.sync.flush()
    expect(await p.contents()).not.toContain('Lovelace')
    expect(await seen()).toBe(false)
  })

  it('a pull answered before the forget and applied after the tab caught up comes in scrubbed', async () => {
    const s = erasureServer(personal)
    const p = profile(s)
    let hold: Promise<void> | undefined
    let release = () => {}
    let held = false
    const first = p.tab()
    const second = p.tab(async () => {
      if (!hold) return
      held = true
      await hold
    })
    await Promise.all([first.sync.ready, second.sync.ready])
    first.store.dispatch(card('ada', ADA, 'Engine notes'))
    await first.sync.flush()
    await second.sync.pull()
    await otherDevice(s, card('ada', ADA, 'Loom patterns'))
    hold = new Promise((resolve) => (release = resolve))
    const pulled = second.sync.pull()
    await vi.waitFor(() => expect(held).toBe(true))
    await forget(s, 'ada')
    await first.sync.pull()
    await vi.waitFor(() => expect(authors(second)).toEqual(['(erased)']))
    const seen = p.watch()
    // The page the server answered before the forget: Ada's name in plaintext.
    release()
    await pulled
    expect(authors(second)).toEqual(['(erased)', '(erased)'])
    second.clock.advance(2000)
    await vi.waitFor(async () => expect(await p.contents()).toContain('Loom patterns'))
    await second.sync.pull()
    await second.sync.close()
    expect(await p.contents()).not.toContain('Lovelace')
    expect(await seen()).toBe(false)
  })
})
