import { describe, expect, it } from 'vitest'
import type { WireEvent } from '../../src/protocol'
import { DEPENDS_ON_LOOKBACK, planAppend, receiptsFrom } from '../../src/server/plan'
import type { Receipt } from '../../src/server/types'

// Optimistic concurrency in the append's pure decision: what is stored, what is refused and why.
const event = (clientSeq: number, fields: Partial<WireEvent> = {}) => ({
  event: {
    clientSeq,
    id: `id${clientSeq}`,
    stream: 'card-1',
    type: 'edited',
    payload: null,
    at: 1,
    commandId: `cmd${clientSeq}`,
    ...fields,
  } as WireEvent,
  fingerprint: `f${clientSeq}`,
  rejection: undefined,
})
const plan = (
  events: ReturnType<typeof event>[],
  more: {
    versions?: [string, number][]
    lastSeq?: number
    receipts?: Receipt[]
  } = {},
) =>
  planAppend({
    clientId: 'c',
    principalId: 'p',
    tenant: '',
    events,
    client:
      more.lastSeq === undefined
        ? undefined
        : { clientId: 'c', principalId: 'p', tenant: '', lastSeq: more.lastSeq },
    receipts: more.receipts ?? [],
    streamVersions: new Map(more.versions ?? []),
    existingIds: new Map(),
    head: 100,
    tenantHead: 100,
  })
const outcome = (p: ReturnType<typeof plan>) =>
  p.results.map((r) => (r.status === 'rejected' ? `${r.error!.code}` : r.status))

describe('version conflicts', () => {
  it('an event counted on an own event that was refused is refused, even when the count matches', () => {
    // The client saw version 3 and edited twice: 3, then 4 (counting its first edit). Another
    // client wrote once meanwhile, so the stream is at 4: the second edit's count matches by
    // coincidence, but it was decided on top of the first, which is refused.
    const p = plan(
      [event(1, { expectedVersion: 3 }), event(2, { expectedVersion: 4, dependsOn: 1 })],
      {
        versions: [['card-1', 4]],
      },
    )
    expect(outcome(p)).toEqual(['version_conflict', 'version_conflict'])
    expect(p.results[1]!.error).toMatchObject({
      path: ['dependsOn'],
      details: { stream: 'card-1', expected: 4, actual: 4, dependsOn: 1, refused: 1 },
    })
    expect(p.inserts).toEqual([])
    expect(p.lastSeq).toBe(2)
  })

  it('looks for refusals in earlier requests through their receipts', () => {
    const refused: Receipt = {
      clientSeq: 7,
      fingerprint: 'f7',
      position: null,
      error: { code: 'invalid', message: 'no' },
    }
    const events = [event(8, { expectedVersion: 1, dependsOn: 7 })]
    expect(
      receiptsFrom(
        events.map((e) => e.event),
        7,
      ),
    ).toBe(7)
    const p = plan(events, { versions: [['card-1', 1]], lastSeq: 7, receipts: [refused] })
    expect(outcome(p)).toEqual(['version_conflict'])
    // A `duplicate_id` was stored (under another seq): not a refusal to depend on.
    const duplicate: Receipt = {
      ...refused,
      error: { code: 'duplicate_id', message: 'stored', details: { position: 'v1:3' } },
    }
    const ok = plan(events, { versions: [['card-1', 1]], lastSeq: 7, receipts: [duplicate] })
    expect(outcome(ok)).toEqual(['applied'])
  })

  it('stores an event whose own earlier events were all stored', () => {
    const p = plan(
      [event(1, { expectedVersion: 3 }), event(2, { expectedVersion: 4, dependsOn: 1 })],
      {
        versions: [['card-1', 3]],
      },
    )
    expect(outcome(p)).toEqual(['applied', 'applied'])
    expect(p.inserts.map((e) => e.streamVersion)).toEqual([4, 5])
  })

  it('a command is stored whole or not at all: a conflict refuses its other events', () => {
    const p = plan(
      [
        event(1, { commandId: 'move', stream: 'card-1', expectedVersion: 0 }),
        event(2, { commandId: 'move', stream: 'card-2', expectedVersion: 5 }),
        event(3, { commandId: 'other', stream: 'card-1', expectedVersion: 0 }),
      ],
      { versions: [['card-2', 6]] },
    )
    expect(outcome(p)).toEqual(['version_conflict', 'version_conflict', 'applied'])
    expect(p.results[0]!.error).toMatchObject({
      path: ['commandId'],
      details: { commandId: 'move', conflict: 2 },
    })
    // With the first one refused, card-1 is still at 0 for the other command.
    expect(p.inserts.map((e) => [e.clientSeq, e.streamVersion])).toEqual([[3, 1]])
  })

  it('bounds how far back dependsOn may point', () => {
    const lastSeq = 5000
    const far = event(lastSeq + 1, { expectedVersion: 0, dependsOn: 10 })
    expect(receiptsFrom([far.event], lastSeq)).toBe(lastSeq + 1 - DEPENDS_ON_LOOKBACK)
    const p = plan([far], { lastSeq })
    expect(outcome(p)).toEqual(['version_conflict'])
  })

  it('an event without expectedVersion or dependsOn is never a conflict', () => {
    expect(outcome(plan([event(1, { commandId: null })], { versions: [['card-1', 9]] }))).toEqual([
      'applied',
    ])
  })
})
