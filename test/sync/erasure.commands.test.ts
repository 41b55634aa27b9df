import { createStore } from '@strata/state'
import { connectReduxDevtools } from '@strata/state/inspect'
import {
  connectSync,
  type EventCodec,
  isErased,
  type PersonalData,
  type Sync,
} from '@strata/state/sync'
import { exportSession, replaySession, serializeSession } from '@strata/state/testing'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { recorder } from '../devtools/reduxExtension'
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

// A command that made no event (its handler returned nothing, or it was rejected) is scrubbed by
// the declaration of its own type, as an event is by its type; and a store event's fields that
// the codec does not send are scrubbed by the declaration of the store event's own type.

const personal: PersonalData = {
  'card/added': { subject: (p) => p.authorId, fields: ['author'] },
  // Command types, declared as event types are (the server stores no event of these types).
  addCard: { subject: (p) => p.by, fields: ['name'] },
  signGuestbook: { subject: (p) => p.by, fields: ['name'] },
}

interface Board {
  cards: { title: string; author: string }[]
}
type AddCard = {
  type: 'addCard'
  payload: { by: string; name: string; title: string; signature: string }
}
const addCard = (by: string, name: string, title: string): AddCard => ({
  type: 'addCard',
  payload: { by, name, title, signature: `Signed, ${name} (${by})` },
})
/** Its handler decides nothing: the command is the only copy of the name. */
const signGuestbook = (by: string, name: string) => ({
  type: 'signGuestbook' as const,
  payload: { by, name, note: `${name} was here` },
})

const shown = (v: unknown) => (isErased(v) ? '(erased)' : String(v))
type CardAdded = {
  type: 'card/added'
  payload: { authorId: string; author: unknown; title: string }
}
function reducer(draft: Board, event: CardAdded) {
  if (event.type === 'card/added')
    draft.cards.push({ title: event.payload.title, author: shown(event.payload.author) })
}
const commands = {
  // A title is taken once: a second card of the same title is rejected.
  addCard: (state: Board, p: AddCard['payload']): CardAdded => {
    if (state.cards.some((c) => c.title === p.title))
      throw new Error(`${p.name} has a card titled ${p.title} already`)
    return { type: 'card/added', payload: { authorId: p.by, author: p.name, title: p.title } }
  },
  signGuestbook: () => undefined,
}

const open: Sync[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

function browser(s: ErasureServer, codec?: EventCodec<CardAdded>) {
  const indexedDB = new IDBFactory()
  const tab = (offline: () => boolean = () => false) => {
    const store = createStore({
      initialState: { cards: [] } as Board,
      reducer,
      commands,
      version: 1,
    })
    const sync = connectSync(store, {
      fetch: faulty(s.fetch, () => (offline() ? 'network' : 'pass')),
      batch: { maxEvents: 10, maxDelayMs: 0 },
      persist: { indexedDB, name: 'app' },
      live: 'off',
      clock: manualClock(),
      random: () => 1,
      personal,
      ...(codec ? { codec } : {}),
    })
    open.push(sync)
    return { store, sync }
  }
  return { tab, contents: () => idbContents(indexedDB) }
}

const erased = { erased: true }

describe('erasure of commands that made no event', () => {
  it('a rejected command and one that decided nothing are scrubbed by their own type, everywhere', async () => {
    const s = erasureServer(personal)
    const a = browser(s)
    const tab = a.tab()
    const extension = recorder()
    const bridge = connectReduxDevtools(tab.store, {
      extension: extension.extension,
      sync: tab.sync,
    })
    tab.store.dispatch(addCard('ada', ADA, 'Engine notes'))
    expect(tab.store.dispatch(addCard('ada', ADA, 'Engine notes')).error).toBeInstanceOf(Error)
    expect(tab.store.dispatch(signGuestbook('ada', ADA)).events).toEqual([])
    tab.store.dispatch(addCard('bob', BOB, 'Sanitize inputs'))
    tab.store.dispatch(signGuestbook('bob', BOB))
    await tab.sync.flush()
    await tab.sync.pull()
    const bobs = tab.store.logs.commands.filter((c) => c.payload && (c.payload as any).by === 'bob')
    const bobsBefore = bobs.map((c) => ({ ...c.command }))
    expect(everything(tab)).toContain(ADA)

    await forget(s, 'ada')
    await tab.sync.pull()
    const after = everything(tab)
    expect(after).not.toContain('Lovelace')
    expect(after).toContain(BOB)
    expect(await a.contents()).not.toContain('Lovelace')
    const [, rejected, signed] = tab.store.logs.commands
    // Its handler's error quoted the name: the same error object, wherever held, says 'erased'.
    expect((rejected!.error as Error).message).toBe('erased')
    expect(rejected!.command).toEqual({
      type: 'addCard',
      payload: { by: 'ada', name: erased, title: 'Engine notes', signature: erased },
    })
    expect(rejected!.payload).toBe(rejected!.command.payload)
    // The note holds the name inside a longer text: the whole string goes.
    expect(signed!.command).toEqual({
      type: 'signGuestbook',
      payload: { by: 'ada', name: erased, note: erased },
    })
    expect(bobs.map((c) => c.command)).toEqual(bobsBefore)
    expect(tab.store.getState().cards).toEqual([
      { title: 'Engine notes', author: '(erased)' },
      { title: 'Sanitize inputs', author: BOB },
    ])

    // The Redux DevTools extension was sent the whole window again, scrubbed.
    await vi.waitFor(() => {
      const lifted = extension.calls.filter(([kind, action]) => kind === 'send' && action === null)
      expect(text(lifted.at(-1))).toContain(BOB)
      expect(text(lifted.at(-1))).not.toContain('Lovelace')
    })
    expect(text(extension.states)).not.toContain('Lovelace')
    bridge!.disconnect()

    // The exported session replays, the erasure reported.
    const session = serializeSession(exportSession(tab.store))
    const replayed = replaySession(session, { reducer, personal })
    expect(replayed.ok).toBe(true)
    expect(replayed.erasures.map((e) => e.subject)).toEqual(['ada'])
  })

  it('a tab offline during the forget scrubs its commands, outbox and IndexedDB when it is back', async () => {
    const s = erasureServer(personal)
    const writer = browser(s).tab()
    writer.store.dispatch(addCard('ada', ADA, 'Engine notes'))
    writer.store.dispatch(addCard('bob', BOB, 'Sanitize inputs'))
    await writer.sync.flush()
    let down = false
    const b = browser(s)
    const away = b.tab(() => down)
    await away.sync.pull()
    // Offline: a rejected command, one that decided nothing, and an event waiting in the outbox.
    down = true
    expect(away.store.dispatch(addCard('ada', ADA, 'Engine notes')).error).toBeInstanceOf(Error)
    away.store.dispatch(signGuestbook('ada', ADA))
    away.store.dispatch(addCard('ada', ADA, 'Offline idea'))
    await vi.waitFor(() => expect(away.sync.status).toBe('offline'))
    expect(everything(away)).toContain(ADA)
    expect(await b.contents()).toContain(ADA)

    await forget(s, 'ada')
    down = false
    away.sync.resume()
    await away.sync.pull()
    expect(everything(away)).not.toContain('Lovelace')
    expect(everything(away)).toContain(BOB)
    expect(await b.contents()).not.toContain('Lovelace')
    await away.sync.flush()
    await away.sync.pull()
    expect(everything(away)).not.toContain('Lovelace')
    expect(await b.contents()).not.toContain('Lovelace')
    expect(away.store.getState().cards.map((c) => c.author)).toEqual(['(erased)', BOB, '(erased)'])
    const read = await s.fetch(new Request('http://strata.test/events?after=v1:0'))
    const stored = JSON.stringify(await read.json())
    expect(stored).not.toContain('Lovelace')
    expect(stored).toContain('Offline idea')
  })
})

describe('erasure of fields a codec does not send', () => {
  // The author stays on this device: the codec sends the card without it.
  const codec: EventCodec<CardAdded> = {
    encode: (e) => {
      const { author: _kept, ...sent } = (e as CardAdded).payload ?? {}
      return { type: e.type, payload: sent as never }
    },
    decode: ({ type, payload }) => ({ type, payload }) as never,
  }

  it.each([
    ['connected', false],
    ['offline during the forget', true],
  ])('a store event keeps no trace of them (%s)', async (_name, offline) => {
    const s = erasureServer(personal)
    // Ada's key exists on the server: a device without the codec sent her name.
    const other = browser(s).tab()
    other.store.dispatch(addCard('ada', ADA, 'Engine notes'))
    await other.sync.flush()
    let down = false
    const b = browser(s, codec)
    const tab = b.tab(() => down)
    await tab.sync.pull()
    down = offline
    tab.store.dispatch(addCard('ada', ADA, 'Kept here'))
    tab.store.dispatch(addCard('bob', BOB, 'Also kept here'))
    if (offline) await vi.waitFor(() => expect(tab.sync.status).toBe('offline'))
    else await tab.sync.flush()
    const local = (title: string) =>
      tab.store.logs.events.find((e) => (e.event as CardAdded).payload.title === title)!.event
    expect(local('Kept here')).toMatchObject({ payload: { author: ADA } })
    // Offline, the outbox holds the event with its author; connected, it was sent and is gone.
    if (offline) expect(await b.contents()).toContain(ADA)

    await forget(s, 'ada')
    down = false
    tab.sync.resume()
    await tab.sync.pull()
    await tab.sync.flush()
    expect(everything(tab)).not.toContain('Lovelace')
    expect(await b.contents()).not.toContain('Lovelace')
    expect(local('Kept here')).toEqual({
      type: 'card/added',
      payload: { authorId: 'ada', author: erased, title: 'Kept here' },
    })
    expect(local('Also kept here')).toMatchObject({ payload: { author: BOB } })
  })
})
