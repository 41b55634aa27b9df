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
  it('answers an empty request with lastSeq and the tenant head as token, saving nothing', () => {
    const plan = planAppend({
      ...base,
      events: [],
      head: 41,
      tenantHead: 12,
      client: { clientId: 'c', principalId: 'p', tenant: '', lastSeq: 7 },
    })
    expect(plan).toMatchObject({ results: [], inserts: [], token: 12, lastSeq: 7 })
    expect(plan.client).toBeUndefined()
    // A client nobody has used yet is not created by an empty batch: nothing claims the id.
    expect(planAppend({ ...base, events: [], head: 41, tenantHead: 0 }).client).toBeUndefined()
  })

  it("answers another principal's empty batch under a taken id as for a free one, and refuses a write", () => {
    const client = { clientId: 'c', principalId: 'owner', tenant: '', lastSeq: 7 }
    const empty = planAppend({ ...base, events: [], head: 41, tenantHead: 12, client })
    const free = planAppend({ ...base, events: [], head: 41, tenantHead: 12 })
    expect(empty).toEqual(free)
    expect(() =>
      planAppend({ ...base, events: [prepared(8)], head: 41, tenantHead: 12, client }),
    ).toThrow(/belongs to another principal/)
  })

  it('numbers new events by the global head and, for the client, by its tenant head', () => {
    const plan = planAppend({
      ...base,
      events: [prepared(1), prepared(2)],
      head: 40,
      tenantHead: 3,
    })
    expect(plan.inserts.map((e) => [e.position, e.tenantPosition])).toEqual([
      [41, 4],
      [42, 5],
    ])
    expect(plan.results.map((r) => r.position)).toEqual([4, 5])
    expect(plan.token).toBe(5)
  })

  it('gives the head as token when every event is rejected, and still advances lastSeq', () => {
    const plan = planAppend({
      ...base,
      events: [prepared(1, { code: 'invalid', message: 'no' })],
      head: 20,
      tenantHead: 9,
    })
    expect(plan.results).toEqual([
      { clientSeq: 1, status: 'rejected', error: { code: 'invalid', message: 'no' } },
    ])
    expect(plan.token).toBe(9)
    expect(plan.client?.lastSeq).toBe(1)
    expect(plan.rejections).toHaveLength(1)
  })

  it('tokens the newest own position, also for duplicates only', () => {
    const plan = planAppend({
      ...base,
      events: [prepared(1), prepared(2)],
      head: 50,
      tenantHead: 50,
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
      tenantHead: 9,
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
    expect(plan.rejections).toEqual([
      { tenant: '', clientId: 'c', clientSeq: 1, fingerprint: 'f1', error },
    ])
    expect(plan.client?.lastSeq).toBe(2)
    const retry = planAppend({
      ...base,
      events: [prepared(1)],
      client: plan.client,
      receipts: [{ clientSeq: 1, fingerprint: 'f1', position: null, error }],
      head: 12,
      tenantHead: 12,
    })
    expect(retry.results).toEqual([{ clientSeq: 1, status: 'rejected', position: 7, error }])
    // The read-your-writes token covers the stored event, as for a duplicate.
    expect(retry.token).toBe(7)
  })

  it('counts versions within the batch for expectedVersion', () => {
    const a = prepared(1)
    const b = prepared(2)
    b.event.expectedVersion = 1
    const plan = planAppend({ ...base, events: [a, b], head: 0, tenantHead: 0 })
    expect(plan.inserts.map((e) => [e.position, e.streamVersion])).toEqual([
      [1, 1],
      [2, 2],
    ])
  })
})
