import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { WireEvent } from '../../src/protocol'
import {
  bytesOver,
  canonicalJson,
  contentBytes,
  eventContent,
  fingerprint,
  fingerprintSync,
} from '../../src/server/fingerprint'

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

  it('sorts integer-like keys as strings, whether or not they arrive in order', () => {
    expect(canonicalJson(JSON.parse('{"9":1,"10":2,"a":{"b":1,"a":2}}'))).toBe(
      '{"10":2,"9":1,"a":{"a":2,"b":1}}',
    )
    expect(canonicalJson({ a: 1, b: { c: [{ e: 1, d: 2 }] } })).toBe(
      '{"a":1,"b":{"c":[{"d":2,"e":1}]}}',
    )
  })

  it('the one-shot and streaming hashes agree, and Web Crypto too', async () => {
    const content = eventContent({
      clientSeq: 1,
      id: 'é',
      stream: 's',
      type: 't',
      payload: { x: '😀' },
      at: 1,
      commandId: null,
    })
    const { createHash } = await import('node:crypto')
    expect(fingerprintSync(content)).toBe(createHash('sha256').update(content).digest('hex'))
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(content))
    expect(Buffer.from(digest).toString('hex')).toBe(fingerprintSync(content))
  })

  it('bytesOver counts UTF-8 bytes exactly at the limit', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.integer({ min: 0, max: 200 }),
        (text, max) => {
          const bytes = contentBytes(text)
          expect(bytesOver(text, max)).toBe(bytes > max ? bytes : undefined)
        },
      ),
    )
    expect(bytesOver('é'.repeat(10), 19)).toBe(20)
    expect(bytesOver('é'.repeat(10), 20)).toBeUndefined()
  })
})
