import { type AnyEvent, createStore } from '@strata/state'
import {
  connectSync,
  type EventCodec,
  isErased,
  type PersonalData,
  type Sync,
} from '@strata/state/sync'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  ADA,
  BOB,
  type ErasureServer,
  erasureServer,
  everything,
  forget,
  idbContents,
  text,
} from './erasure.helpers'
import { faulty, manualClock } from './helpers'

// The scrub after a forget goes through the codec: the declaration names wire fields, whatever
// shape the store's events have. Commands are the user's own shape: they are scrubbed through the
// events they made (every string holding a value those events lost).

const personal: PersonalData = {
  'card/added': { subject: (p) => p.authorId, fields: ['author'] },
}

/** A custom codec's store event: a class, its fields named unlike the wire's. */
class CardAdded {
  readonly type = 'CardAdded'
  constructor(
    readonly by: string,
    readonly name: unknown,
    readonly title: string,
  ) {}
}
interface Card {
  by: string
  author: unknown
  title: string
}
interface Case {
  codec?: EventCodec
  make(card: Card): AnyEvent
  read(event: AnyEvent): Card | undefined
}
const cases: Record<string, Case> = {
  'default codec, { type, payload } events': {
    make: (c) => ({
      type: 'card/added',
      payload: { authorId: c.by, author: c.author, title: c.title },
    }),
    read: (e) => {
      if (e.type !== 'card/added') return undefined
      const p = (e as unknown as { payload: { authorId: string; author: unknown; title: string } })
        .payload
      return { by: p.authorId, author: p.author, title: p.title }
    },
  },
  'custom codec, class events': {
    codec: {
      // Structured clone (the IndexedDB outbox) gives a class back as a plain object: encode
      // reads fields only.
      encode: (e) => {
        if (e.type !== 'CardAdded') return e as never
        const c = e as CardAdded
        return {
          type: 'card/added',
          payload: { authorId: c.by, author: c.name as never, title: c.title },
        }
      },
      decode: ({ type, payload }) => {
        if (type !== 'card/added') return { type, payload }
        const p = payload as { authorId: string; author: unknown; title: string }
        return new CardAdded(p.authorId, p.author, p.title) as never
      },
    },
    make: (c) => new CardAdded(c.by, c.author, c.title),
    read: (e) =>
      e instanceof CardAdded || e.type === 'CardAdded' ? cardOf(e as CardAdded) : undefined,
  },
}
const cardOf = (e: CardAdded): Card => ({ by: e.by, author: e.name, title: e.title })

interface Board {
  cards: { title: string; author: string }[]
}
/** The user's command: its own shape, the name also inside a longer text. */
type AddCard = {
  type: 'addCard'
  payload: { by: string; name: string; title: string; signature: string }
}
const addCard = (by: string, name: string, title: string): AddCard => ({
  type: 'addCard',
  payload: { by, name, title, signature: `Signed, ${name} (${by})` },
})

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

function browser(s: ErasureServer, c: Case) {
  const indexedDB = new IDBFactory()
  const shown = (v: unknown) => (isErased(v) ? '(erased)' : String(v))
  const reducer = (draft: Board, event: AnyEvent) => {
    const card = c.read(event)
    if (card) draft.cards.push({ title: card.title, author: shown(card.author) })
  }
  const tab = (offline: boolean | (() => boolean) = false) => {
    const store = createStore({
      initialState: { cards: [] } as Board,
      reducer,
      commands: {
        // A title is taken once: a card added concurrently makes the later one a conflict.
        addCard: (state: Board, p: AddCard['payload']) => {
          if (state.cards.some((card) => card.title === p.title)) throw new Error('Title taken')
          return c.make({ by: p.by, author: p.name, title: p.title })
        },
      },
      version: 1,
    })
    const sync = connectSync(store, {
      fetch: faulty(s.fetch, () =>
        (typeof offline === 'function' ? offline() : offline) ? 'network' : 'pass',
      ),
      batch: { maxEvents: 10, maxDelayMs: 0 },
      persist: { indexedDB, name: 'app' },
      live: 'off',
      clock: manualClock(),
      random: () => 1,
      personal,
      ...(c.codec ? { codec: c.codec } : {}),
    })
    open.push(sync)
    return { store, sync }
  }
  return { tab, contents: () => idbContents(indexedDB) }
}

describe.each(Object.entries(cases))('erasure through the codec: %s', (_name, c) => {
  it('a connected client keeps no trace of the forgotten value, and the other subject as it was', async () => {
    const s = erasureServer(personal)
    const a = browser(s, c)
    const tab = a.tab()
    tab.store.dispatch(addCard('ada', ADA, 'Engine notes'))
    tab.store.dispatch(addCard('bob', BOB, 'Sanitize inputs'))
    await tab.sync.flush()
    await tab.sync.pull()
    const bobBefore = { ...tab.store.logs.commands[1]!.command }
    expect(everything(tab)).toContain(ADA)
    await forget(s, 'ada')
    await tab.sync.pull()

    const after = everything(tab)
    expect(after).not.toContain(ADA)
    expect(after).not.toContain('Lovelace')
    expect(after).toContain(BOB)
    expect(await a.contents()).not.toContain(ADA)
    expect(tab.store.getState().cards).toEqual([
      { title: 'Engine notes', author: '(erased)' },
      { title: 'Sanitize inputs', author: BOB },
    ])
    // The event is decoded back: the codec's shape, the placeholder in its field.
    const [ada, bob] = tab.store.logs.events.filter((e) => c.read(e.event))
    expect(c.read(ada!.event)).toEqual({
      by: 'ada',
      author: { erased: true },
      title: 'Engine notes',
    })
    if (c.codec) expect(ada!.event).toBeInstanceOf(CardAdded)
    expect(c.read(bob!.event)).toEqual({ by: 'bob', author: BOB, title: 'Sanitize inputs' })
    // The command that made it: every string holding the name is the placeholder, the rest kept.
    expect(tab.store.logs.commands[0]!.command).toEqual({
      type: 'addCard',
      payload: {
        by: 'ada',
        name: { erased: true },
        title: 'Engine notes',
        signature: { erased: true },
      },
    })
    expect(tab.store.logs.commands[1]!.command).toEqual(bobBefore)
  })

  it('a client offline during the forget scrubs its logs, outbox and IndexedDB on reconnect', async () => {
    const s = erasureServer(personal)
    const a = browser(s, c)
    const b = browser(s, c)
    const writer = a.tab()
    writer.store.dispatch(addCard('ada', ADA, 'Engine notes'))
    writer.store.dispatch(addCard('bob', BOB, 'Sanitize inputs'))
    await writer.sync.flush()
    const reader = b.tab()
    await reader.sync.pull()
    await reader.sync.close()
    // Offline: a card by Ada is claimed in B's outbox (its wire fields, event and command stored).
    const away = b.tab(true)
    await away.sync.ready
    away.store.dispatch(addCard('ada', ADA, 'Offline idea'))
    await vi.waitFor(() => expect(away.sync.status).toBe('offline'))
    expect(everything(away)).toContain(ADA)
    await away.sync.close()
    expect(await b.contents()).toContain(ADA)

    await forget(s, 'ada')
    const back = b.tab()
    await back.sync.ready
    await back.sync.pull()
    const scrubbed = everything(back)
    expect(scrubbed).not.toContain(ADA)
    expect(scrubbed).toContain(BOB)
    expect(await b.contents()).not.toContain(ADA)
    await back.sync.flush()
    await back.sync.pull()
    expect(everything(back)).not.toContain(ADA)
    expect(await b.contents()).not.toContain(ADA)
    expect(back.store.getState().cards).toEqual([
      { title: 'Engine notes', author: '(erased)' },
      { title: 'Sanitize inputs', author: BOB },
      { title: 'Offline idea', author: '(erased)' },
    ])
    const read = await s.fetch(new Request('http://strata.test/events?after=v1:0'))
    const stored = JSON.stringify(await read.json())
    expect(stored).not.toContain(ADA)
    expect(stored).toContain('Offline idea')
  })

  it('a command lost to a concurrent change keeps no trace in sync.conflicts', async () => {
    const s = erasureServer(personal)
    let down = true
    const a = browser(s, c).tab(() => down)
    const b = browser(s, c).tab()
    await a.sync.ready
    a.store.dispatch(addCard('ada', ADA, 'Engine notes'))
    await vi.waitFor(() => expect(a.sync.status).toBe('offline'))
    // Meanwhile Ada adds the same card on another device, and Bob one of his.
    b.store.dispatch(addCard('ada', ADA, 'Engine notes'))
    b.store.dispatch(addCard('bob', BOB, 'Sanitize inputs'))
    await b.sync.flush()
    down = false
    a.sync.resume()
    await vi.waitFor(async () => {
      await a.sync.pull()
      expect(a.sync.conflicts.getSnapshot()).toHaveLength(1)
    })
    const [conflict] = a.sync.conflicts.getSnapshot()
    expect(text(conflict)).toContain(ADA)
    // It lost to both of B's events (one stream).
    expect(conflict!.lostTo).toHaveLength(2)

    await forget(s, 'ada')
    await a.sync.pull()
    const after = text({ conflicts: a.sync.conflicts.getSnapshot(), everything: everything(a) })
    expect(after).not.toContain(ADA)
    expect(after).toContain(BOB)
    expect(conflict!.command.command).toMatchObject({
      payload: { by: 'ada', name: { erased: true }, title: 'Engine notes' },
    })
    expect(conflict!.lostTo.map((e) => c.read(e.event)?.author)).toEqual([{ erased: true }, BOB])
    expect(a.store.getState().cards).toEqual([
      { title: 'Engine notes', author: '(erased)' },
      { title: 'Sanitize inputs', author: BOB },
    ])
  })
})
