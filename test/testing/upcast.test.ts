import { createStore } from '@strata/state'
import {
  checkCompatibility,
  type EventSchemas,
  exportSession,
  loadSession,
  replaySession,
  serializeSession,
  upcastEvents,
} from '@strata/state/testing'
import { describe, expect, it } from 'vitest'

// Notes app. Version 1 of "note/added" carried `text`; version 2 renamed it `body`; version 3
// added `tags`. The state shape never changed: { notes: { id, body, tags }[] }.
type Note = { id: string; body: string; tags: string[] }
type State = { notes: Note[] }
const initialState: State = { notes: [] }

type V1 = { type: 'note/added'; payload: { id: string; text: string } }
type V3 = { type: 'note/added'; payload: { id: string; body: string; tags: string[] } }
type Removed = { type: 'note/removed'; payload: { id: string } }

const reducerV1 = (d: State, e: V1 | Removed) => {
  if (e.type === 'note/added') d.notes.push({ id: e.payload.id, body: e.payload.text, tags: [] })
  else d.notes = d.notes.filter((n) => n.id !== e.payload.id)
}
const reducerV3 = (d: State, e: V3 | Removed) => {
  if (e.type === 'note/added') d.notes.push({ ...e.payload })
  else d.notes = d.notes.filter((n) => n.id !== e.payload.id)
}

const eventsV3: EventSchemas = {
  'note/added': {
    version: 3,
    upcast: {
      1: (e: V1) => ({ type: 'note/added', payload: { id: e.payload.id, body: e.payload.text } }),
      2: (e) => ({ ...e, payload: { ...e.payload, tags: [] } }),
    },
  },
  'note/removed': {},
}

/** A session recorded by version 1 of the app, read back from its file text. */
function recordedV1() {
  const store = createStore({
    initialState,
    reducer: reducerV1,
    commands: {
      add: (_s: State, text: string, ctx) => ({
        type: 'note/added' as const,
        payload: { id: ctx.uuid(), text },
      }),
      remove: (_s: State, id: string) => ({ type: 'note/removed' as const, payload: { id } }),
    },
  })
  for (const text of ['milk', 'eggs', 'bread']) store.dispatch({ type: 'add', payload: text })
  store.dispatch({ type: 'remove', payload: store.getState().notes[1]!.id })
  const events = { 'note/added': { version: 1 }, 'note/removed': {} }
  return loadSession<State>(serializeSession(exportSession(store, { events, checkpointEvery: 2 })))
}

describe('event upcasting', () => {
  it('records each event type’s version in the session', () => {
    const session = recordedV1()
    expect(session.eventVersions).toEqual({ 'note/added': 1, 'note/removed': 1 })
    const store = createStore({ initialState, reducer: reducerV3 })
    store.dispatch({ type: 'note/added', payload: { id: 'a', body: 'x', tags: [] } })
    expect(exportSession(store, { events: eventsV3 }).eventVersions).toEqual({ 'note/added': 3 })
  })

  it('chains the upcasters from the recorded version to today’s, and the session replays', () => {
    const session = recordedV1()
    const [first] = upcastEvents(session, eventsV3)
    expect(first).toEqual({
      type: 'note/added',
      payload: { id: (session.events[0]!.event as V1).payload.id, body: 'milk', tags: [] },
    })
    expect(checkCompatibility(session, { events: eventsV3 })).toEqual({ ok: true, issues: [] })
    const result = replaySession(session, { reducer: reducerV3, events: eventsV3 })
    expect(result.divergences).toEqual([])
    expect(result.finalState.notes.map((n) => n.body)).toEqual(['milk', 'bread'])
  })

  it('compares upcast events with what today’s handlers make, in mode "commands"', () => {
    const commands = {
      add: (_s: State, body: string, ctx: { uuid(): string }) => ({
        type: 'note/added' as const,
        payload: { id: ctx.uuid(), body, tags: [] },
      }),
      remove: (_s: State, id: string) => ({ type: 'note/removed' as const, payload: { id } }),
    }
    const config = { reducer: reducerV3, commands, events: eventsV3, mode: 'commands' as const }
    expect(replaySession(recordedV1(), config).ok).toBe(true)
    // An upcaster that forgets the tags: the recorded event no longer equals today's.
    const forgetful = { version: 3, upcast: { ...eventsV3['note/added']!.upcast, 2: (e: V1) => e } }
    const events = { ...eventsV3, 'note/added': forgetful }
    const result = replaySession(recordedV1(), { ...config, events })
    expect(result.divergences[0]).toMatchObject({ kind: 'event', index: 0 })
    expect(result.divergences[0]!.diff).toBe('payload.tags\n  + []')
  })

  it('reports a missing step of the upcaster chain, and the replay then diverges', () => {
    const session = recordedV1()
    const noStep1: EventSchemas = {
      ...eventsV3,
      'note/added': { version: 3, upcast: { 2: (e) => e } },
    }
    const report = checkCompatibility(session, { events: noStep1 })
    expect(report.ok).toBe(false)
    expect(report.issues).toEqual([
      {
        kind: 'missing-upcaster',
        type: 'note/added',
        count: 3,
        recordedVersion: 1,
        currentVersion: 3,
        message:
          'Event type "note/added" was recorded at version 1 and is at version 3 today, but has no upcaster from version 1: add events["note/added"].upcast[1].',
      },
    ])
    const result = replaySession(session, { reducer: reducerV3, events: noStep1 })
    expect(result.ok).toBe(false)
    expect(result.compatibility).toEqual(report)
  })

  it('reports event types today does not know, and sessions from newer code', () => {
    const session = recordedV1()
    const onlyAdded = { 'note/added': eventsV3['note/added']! }
    expect(checkCompatibility(session, { events: onlyAdded }).issues).toEqual([
      expect.objectContaining({ kind: 'unknown-event', type: 'note/removed', count: 1 }),
    ])
    const newer = { ...session, eventVersions: { ...session.eventVersions, 'note/added': 4 } }
    expect(checkCompatibility(newer, { events: eventsV3 }).issues).toEqual([
      expect.objectContaining({ kind: 'newer-version', recordedVersion: 4, currentVersion: 3 }),
    ])
    // Without `events`, a version above 1 is still newer than today's default of 1.
    expect(checkCompatibility(newer).issues.map((i) => i.kind)).toEqual(['newer-version'])
    expect(checkCompatibility(session).ok).toBe(true)
  })

  it('rejects an upcaster that returns no event', () => {
    const bad: EventSchemas = { 'note/added': { version: 2, upcast: { 1: () => null as never } } }
    expect(() => upcastEvents(recordedV1(), bad)).toThrow(
      '[strata] The upcaster events["note/added"].upcast[1] returned null.',
    )
  })
})
