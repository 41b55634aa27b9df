import { describe, expect, it } from 'vitest'
import type { WireErrorBody } from '../../src/protocol'
import { type PreparedEvent, planAppend } from '../../src/server/plan'
import { wireEvent } from './helpers'

const prepared = (seq: number, rejection?: PreparedEvent['rejection']): PreparedEvent => ({
  event: wireEvent(seq, { id: `id${seq}` }),
  fingerprint: `f${seq}`,
  rejection,
})
const base = {
  clientId: 'c',
  principalId: 'p',
  tenant: '',
  receipts: [],
  streamVersions: new Map(),
  existingIds: new Map<string, number>(),
  client: undefined,
}

describe('planAppend', () => {
  it('answers an empty request with lastSeq and the head as token (a handshake)', () => {
    const plan = planAppend({
      ...base,
      events: [],
      head: 41,
      client: { clientId: 'c', principalId: 'p', tenant: '', lastSeq: 7 },
    })
    expect(plan).toMatchObject({ results: [], inserts: [], token: 41, client: { lastSeq: 7 } })
  })

  it('gives the head as token when every event is rejected, and still advances lastSeq', () => {
    const plan = planAppend({
      ...base,
      events: [prepared(1, { code: 'invalid', message: 'no' })],
      head: 9,
    })
    expect(plan.results).toEqual([
      { clientSeq: 1, status: 'rejected', error: { code: 'invalid', message: 'no' } },
    ])
    expect(plan.token).toBe(9)
    expect(plan.client.lastSeq).toBe(1)
    expect(plan.rejections).toHaveLength(1)
  })

  it('tokens the newest own position, also for duplicates only', () => {
    const plan = planAppend({
      ...base,
      events: [prepared(1), prepared(2)],
      head: 50,
      client: { clientId: 'c', principalId: 'p', tenant: '', lastSeq: 2 },
      receipts: [
        { clientSeq: 1, fingerprint: 'f1', position: 3, error: null },
        { clientSeq: 2, fingerprint: 'f2', position: 4, error: null },
      ],
    })
    expect(plan.token).toBe(4)
    expect(plan.inserts).toEqual([])
  })

  it('rejects an id the client stored before with where it is stored, and answers its retry the same', () => {
    const plan = planAppend({
      ...base,
      events: [prepared(1), prepared(2)],
      existingIds: new Map([['id1', 7]]),
      head: 9,
    })
    const error: WireErrorBody = {
      code: 'duplicate_id',
      message:
        'This client already stored an event with id "id1" (at v1:7) under another clientSeq',
      path: ['id'],
      details: { id: 'id1', position: 'v1:7' },
    }
    expect(plan.results).toEqual([
      { clientSeq: 1, status: 'rejected', position: 7, error },
      { clientSeq: 2, status: 'applied', position: 10 },
    ])
    expect(plan.rejections).toEqual([{ clientId: 'c', clientSeq: 1, fingerprint: 'f1', error }])
    expect(plan.client.lastSeq).toBe(2)
    const retry = planAppend({
      ...base,
      events: [prepared(1)],
      client: plan.client,
      receipts: [{ clientSeq: 1, fingerprint: 'f1', position: null, error }],
      head: 12,
    })
    expect(retry.results).toEqual([{ clientSeq: 1, status: 'rejected', position: 7, error }])
    // The read-your-writes token covers the stored event, as for a duplicate.
    expect(retry.token).toBe(7)
  })

  it('counts versions within the batch for expectedVersion', () => {
    const a = prepared(1)
    const b = prepared(2)
    b.event.expectedVersion = 1
    const plan = planAppend({ ...base, events: [a, b], head: 0 })
    expect(plan.inserts.map((e) => [e.position, e.streamVersion])).toEqual([
      [1, 1],
      [2, 2],
    ])
  })
})
