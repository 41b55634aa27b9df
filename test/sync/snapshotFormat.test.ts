import 'fake-indexeddb/auto'
import { createStore } from '@strata/state'
import { connectSync } from '@strata/state/sync'
import { describe, expect, it, vi } from 'vitest'
import { jsonText } from '../../src/sync/history/records'
import { manualClock } from './helpers'
import { browser, putSnapshot, rawDatabase, request, seed, testServer } from './history.helpers'

// This device's snapshot keeps a plain-JSON state as its JSON text (format 2: a reload reads a
// string and parses it, faster than a structured clone of the same objects), any other state by
// structured clone, and still reads the records of format 1.

/** The record as IndexedDB holds it (storedSnapshot parses the text for other tests). */
async function rawSnapshot(indexedDB: IDBFactory): Promise<any> {
  const db = await rawDatabase(indexedDB)
  try {
    return await request(db.transaction('snapshots').objectStore('snapshots').get(''))
  } finally {
    db.close()
  }
}

/** A profile that settled 1,200 events and closed, so it keeps a snapshot at v1:1200. */
async function settledProfile() {
  const server = testServer()
  await seed(server, 1200)
  const tab = browser(server)
  const first = tab()
  await first.sync.pull()
  await first.sync.close()
  return { server, tab }
}

describe("this device's snapshot format", () => {
  it('keeps a plain-JSON state as JSON text, and a reload boots from it', async () => {
    const { server, tab } = await settledProfile()
    const raw = await rawSnapshot(tab.indexedDB)
    expect(raw).toMatchObject({ formatVersion: 2, position: 'v1:1200', json: '{"a":1200}' })
    expect('state' in raw).toBe(false)
    await seed(server, 2, { from: 1201 })

    const second = tab()
    await second.sync.pull()
    expect(second.sync.getSnapshot().boot).toBe('local-snapshot')
    expect(second.store.history.start).toBe(1200)
    expect(second.store.logs.states.at(1200)).toEqual({ a: 1200 })
    expect(second.store.getState()).toEqual({ a: 1202 })
  })

  it('keeps a state JSON would change by structured clone: Map, Set, Date and BigInt come back', async () => {
    const server = testServer()
    await seed(server, 1200)
    const indexedDB = new (await import('fake-indexeddb')).IDBFactory()
    type Rich = { n: bigint; seen: Set<string>; by: Map<string, Date> }
    const open = () => {
      const store = createStore({
        initialState: { n: 0n, seen: new Set<string>(), by: new Map() } as Rich,
        immer: false,
        reducer: (s: Rich, e: { type: string; payload?: { key?: string } }): Rich =>
          e.type === 'added'
            ? { n: s.n + 1n, seen: new Set([...s.seen, e.payload?.key ?? '']), by: s.by }
            : s,
      })
      const sync = connectSync(store, {
        fetch: server.fetch,
        persist: { indexedDB, name: 'app' },
        live: 'off',
        clock: manualClock(),
      })
      return { store, sync }
    }
    const first = open()
    await first.sync.pull()
    first.store.getState().by.set('a', new Date(5))
    await first.sync.close()
    const raw = await rawSnapshot(indexedDB)
    expect(raw).toMatchObject({ formatVersion: 2, position: 'v1:1200' })
    expect(raw.json).toBeUndefined()

    const second = open()
    await second.sync.ready
    expect(second.sync.getSnapshot().boot).toBe('local-snapshot')
    const state = second.store.getState()
    expect(state.n).toBe(1200n)
    expect(state.seen).toEqual(new Set(['a']))
    expect(state.by.get('a')).toEqual(new Date(5))
    await second.sync.close()
  })

  it('still boots from a record of format 1 (a cloned state)', async () => {
    const { server, tab } = await settledProfile()
    const { json, ...record } = await rawSnapshot(tab.indexedDB)
    await putSnapshot(tab.indexedDB, { ...record, formatVersion: 1, state: JSON.parse(json) })
    await seed(server, 1, { from: 1201 })
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const second = tab()
      await second.sync.pull()
      expect(second.sync.getSnapshot().boot).toBe('local-snapshot')
      expect(second.store.history.start).toBe(1200)
      expect(second.store.getState()).toEqual({ a: 1201 })
      expect(warn).not.toHaveBeenCalled()
    } finally {
      warn.mockRestore()
    }
  })

  it.each([
    ['truncated JSON text', { formatVersion: 2, json: '{"a":12' }, /it could not be read \(.*JSON/],
    ['no state', { formatVersion: 2 }, /state is missing/],
    ['JSON text that is not a string', { json: { a: 1200 } }, /state is missing/],
    ['a foreign format version', { formatVersion: 3, state: { a: 1200 } }, /format .* 3, not/],
    ['a truncated format 1 record', { formatVersion: 1, count: undefined }, /malformed/],
  ])(
    'one with %s is ignored with one warning, and the history folded from events',
    async (_, spoiled, message) => {
      const { tab } = await settledProfile()
      const { json, ...record } = await rawSnapshot(tab.indexedDB)
      expect(json).toBe('{"a":1200}')
      await putSnapshot(tab.indexedDB, { ...record, ...spoiled })
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
      try {
        const second = tab()
        await second.sync.pull()
        const warnings = warn.mock.calls.map(([m]) => String(m))
        expect(warnings).toHaveLength(1)
        expect(warnings[0]).toMatch(/Ignored this device's snapshot/)
        expect(warnings[0]).toMatch(message)
        expect(second.sync.getSnapshot().boot).toBe('events')
        expect(second.store.history.start).toBe(0)
        expect(second.store.getState()).toEqual({ a: 1200 })
      } finally {
        warn.mockRestore()
      }
    },
  )
})

describe('jsonText', () => {
  class Point {
    x = 1
  }
  it.each([
    ['a Map', { m: new Map() }],
    ['a Set', [new Set([1])]],
    ['a Date', { at: new Date(0) }],
    ['a BigInt', { n: 1n }],
    ['an undefined property', { a: undefined }],
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    ['a hole in an array', [1, , 3]],
    ['a class instance', { p: new Point() }],
    ['an object without prototype', { o: Object.create(null) }],
    ['NaN', { n: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['-0', { z: -0 }],
    ['a function', { f: () => 1 }],
    ['an own toJSON', { a: { toJSON: () => 'x' } }],
    ['undefined', undefined],
  ])('leaves a state with %s to structured clone', (_, state) => {
    expect(jsonText(state)).toBeUndefined()
  })

  it('gives the JSON text of plain values, which parses back equal', () => {
    const state = { a: [1, 'b', true, null, { c: 0.5, d: [] }], e: {}, f: '' }
    const text = jsonText(state)
    expect(text).toBe(JSON.stringify(state))
    expect(JSON.parse(text!)).toStrictEqual(state)
    expect(jsonText(Object.freeze({ n: 1 }))).toBe('{"n":1}')
  })
})
