import { createStore } from '@strata/state'
import { diffValues, exportSession, loadSession, serializeSession } from '@strata/state/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const specials: [string, unknown][] = [
  ['Date', new Date('2025-03-04T05:06:07.089Z')],
  ['invalid Date', new Date(Number.NaN)],
  [
    'Map',
    new Map<unknown, unknown>([
      ['a', 1],
      [2, { b: [3] }],
    ]),
  ],
  ['Set', new Set(['x', 1, 'y'])],
  ['BigInt', 12345678901234567890123n],
  ['negative BigInt', -1n],
  ['undefined', undefined],
  ['undefined in an object', { kept: undefined }],
  ['undefined in an array', [1, undefined, 3]],
  ['Uint8Array', new Uint8Array([0, 1, 255])],
  ['Int32Array', new Int32Array([-5, 7])],
  ['Float64Array', new Float64Array([0.5, -2.25])],
  ['Float64Array of NaN, ±Infinity, -0', new Float64Array([Number.NaN, Infinity, -Infinity, -0])],
  ['Float32Array of NaN, -0', new Float32Array([Number.NaN, -0, 1.5])],
  ['BigInt64Array', new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n])],
  ['BigUint64Array', new BigUint64Array([0n, 2n ** 64n - 1n])],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['-0', -0],
  ['RegExp', /a+b/gi],
  [
    'nested',
    {
      when: new Date(0),
      tags: new Set([new Date(1)]),
      byId: new Map([['k', new Map([[1n, -0]])]]),
    },
  ],
]

/** A store whose state holds `value`, exported, written as text and loaded back. */
function roundTrip(value: unknown) {
  const store = createStore({
    initialState: { value: null as unknown },
    reducer: (_draft, event: { type: 'set'; payload: unknown }) => ({ value: event.payload }),
  })
  store.dispatch({ type: 'set', payload: value })
  const text = serializeSession(exportSession(store))
  return { text, session: loadSession(text) }
}

describe('session text round-trip', () => {
  it.each(specials)('keeps %s in states, events and commands', (_name, value) => {
    const { text, session } = roundTrip(value)
    expect(() => JSON.parse(text)).not.toThrow()
    const [state] = session.checkpoints.map((c) => c.state as { value: unknown }).slice(-1)
    expect(Object.hasOwn(state!, 'value')).toBe(true)
    expect(diffValues(value, state!.value)).toEqual([])
    expect(
      diffValues(value, (session.events[0]!.event as { type: string; payload?: unknown }).payload),
    ).toEqual([])
    expect(
      diffValues(
        value,
        (session.commands[0]!.command as { type: string; payload?: unknown }).payload,
      ),
    ).toEqual([])
  })

  it('restores the exact kinds, not look-alikes', () => {
    const { session } = roundTrip(specials)
    const values = (session.checkpoints.at(-1)!.state as { value: [string, unknown][] }).value
    const get = (name: string) => values.find(([n]) => n === name)![1]
    expect(get('Date')).toBeInstanceOf(Date)
    expect(get('Map')).toBeInstanceOf(Map)
    expect(get('Set')).toBeInstanceOf(Set)
    expect(typeof get('BigInt')).toBe('bigint')
    expect(get('Uint8Array')).toBeInstanceOf(Uint8Array)
    expect(Object.is(get('-0'), -0)).toBe(true)
    expect(get('NaN')).toBeNaN()
    expect(get('RegExp')).toEqual(/a+b/gi)
  })

  it('writes plain readable JSON at the top with the format and version first', () => {
    const { text } = roundTrip(new Date(0))
    const raw = JSON.parse(text)
    expect(Object.keys(raw).slice(0, 2)).toEqual(['format', 'version'])
    expect(raw).toMatchObject({ format: 'strata.session', version: 1 })
    expect(raw.superjson.values).toBeTypeOf('object')
    expect(raw.events[0].event).toEqual({ type: 'set', payload: '1970-01-01T00:00:00.000Z' })
  })

  it('leaves out the superjson key when nothing needs it', () => {
    const raw = JSON.parse(roundTrip({ plain: [1, 'two'] }).text)
    expect(raw).not.toHaveProperty('superjson')
  })

  it('round-trips any value fast-check makes (property)', () => {
    const safeKey = fc
      .string()
      .filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k))
    const values = fc.anything({
      key: safeKey,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withNullPrototype: false,
      withSparseArray: false,
    })
    fc.assert(
      fc.property(values, (value) => {
        const { session } = roundTrip(value)
        const state = session.checkpoints.at(-1)!.state as { value: unknown }
        expect(diffValues(value, state.value)).toEqual([])
      }),
      { numRuns: 200 },
    )
  })
})
