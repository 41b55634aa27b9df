import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { WireEvent } from '../../src/protocol'
import { canonicalJson, eventContent, fingerprint } from '../../src/server/fingerprint'

const reversed = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reversed)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  )
}

describe('fingerprints', () => {
  it('canonical JSON parses back to the value and ignores key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)))
        expect(canonicalJson(reversed(value))).toBe(canonicalJson(value))
      }),
    )
  })

  it('an event content is the canonical JSON of everything but its seq', async () => {
    const event: WireEvent = {
      clientSeq: 7,
      id: 'a',
      stream: 's',
      type: 't',
      payload: { b: 1, a: [2] },
      at: 3,
      commandId: null,
    }
    expect(eventContent(event)).toBe(
      canonicalJson({
        at: 3,
        commandId: null,
        expectedVersion: null,
        id: 'a',
        payload: { a: [2], b: 1 },
        stream: 's',
        type: 't',
      }),
    )
    expect(eventContent({ ...event, clientSeq: 8 })).toBe(eventContent(event))
    expect(await fingerprint(eventContent(event))).toMatch(/^[0-9a-f]{64}$/)
    expect(await fingerprint(eventContent({ ...event, payload: { a: [2], b: 2 } }))).not.toBe(
      await fingerprint(eventContent(event)),
    )
  })
})
