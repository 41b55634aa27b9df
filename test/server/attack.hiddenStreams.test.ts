// What a principal of some streams (canRead) learns of the streams it may not read, over real
// HTTP. Not their events; but its SSE pokes and long polls woke when bob appended to a stream it
// may not read: alice learned when, to the millisecond, and how often, someone writes `secret`.
// (The count shows anyway in the gaps between the positions of the events she reads: positions
// are the tenant's; the timing need not.) README: "reads, pokes and heads leave out what it may
// not read". Now they wake only for what it is served: pokes (visibleHeads.ts), long polls
// (read.ts longPoll).
import { FORGOTTEN_TYPE, memoryStorage, type Storage } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { restricted } from '../support/principals'
import { as, forget, readUntil, sleep, start, textOf } from './attack'
import { personal } from './erasureFixtures'
import { batch, events } from './helpers'

async function seeded() {
  const { url } = await start({ authorize: restricted, personal })
  const bob = as(url, 'bob@acme')
  expect((await bob.post(batch('b', events('b', 1, 1, { stream: 'todos' })))).status).toBe(200)
  return { url, bob }
}

describe('a reader of some streams', () => {
  it('is poked over SSE for an event it may read and a forget, not for one it may not read', async () => {
    const { url, bob } = await seeded()
    const sse = textOf(await as(url, 'alice@acme').stream('?after=v1:1'))
    expect(await readUntil(sse, 'retry', 5)).toContain('retry')
    for (let round = 0; round < 3; round++) {
      const at = 1 + 2 * round
      await bob.post(batch('b', events('b', at + 1, 1, { stream: 'secret' })))
      await bob.post(batch('b', events('b', at + 2, 1, { stream: 'todos' })))
      const seen = await readUntil(sse, `"v1:${at + 2}"`, 10)
      expect(seen).toContain(`"v1:${at + 2}"`)
      // The poke she hears is of the event she may read, never of the secret one before it.
      expect(seen).not.toContain(`"v1:${at + 1}"`)
    }
    // A forget's notice (on the erasure stream, which she may not read) is hers to hear.
    expect((await forget(url, 'ada', 'root@acme')).status).toBe(200)
    expect(await readUntil(sse, '"v1:8"', 10)).toContain('"v1:8"')
    const read = await as(url, 'alice@acme').get('/events?after=v1:7')
    expect(read.body.events.map((e: any) => e.type)).toEqual([FORGOTTEN_TYPE])
    await sse.cancel()
  })

  it('pokes ten such streams after a commit with one read of its events, not ten', async () => {
    const storage = memoryStorage()
    let reads = 0
    const counted: Storage = {
      ...storage,
      kind: storage.kind,
      readText: (request) => {
        reads++
        return storage.readText!(request)
      },
    }
    const { url } = await start({ storage: counted, authorize: restricted })
    const bob = as(url, 'bob@acme')
    const streams = []
    for (let i = 0; i < 10; i++) {
      const sse = textOf(await as(url, i % 2 ? 'alice@acme' : 'carol@acme').stream())
      expect(await readUntil(sse, 'retry', 5)).toContain('retry')
      streams.push(sse)
    }
    reads = 0
    expect((await bob.post(batch('b', events('b', 1, 1, { stream: 'todos' })))).status).toBe(200)
    for (const sse of streams) expect(await readUntil(sse, '"v1:1"', 10)).toContain('"v1:1"')
    expect(reads).toBe(1)
    for (const sse of streams) await sse.cancel()
  })

  it('is answered by a long poll for an event it may read, not for one it may not', async () => {
    const { url, bob } = await seeded()
    const poll = as(url, 'alice@acme').get('/events?after=v1:1&wait=20000')
    await sleep(500)
    await bob.post(batch('b', events('b', 2, 1, { stream: 'secret' })))
    // Still waiting 5 s on: the commit was of nothing she may read. (Registered late, her
    // first read finds only the secret event: that answers at once as well.)
    const first = await Promise.race([
      poll.then(() => 'answered'),
      sleep(5000).then(() => 'waiting'),
    ])
    expect(first).toBe('waiting')
    await bob.post(batch('b', events('b', 3, 1, { stream: 'todos' })))
    expect((await poll).body.events.map((e: any) => e.id)).toEqual(['b-3'])
  }, 30_000)

  it('is answered at the end of its long poll past what it may not read, nothing more', async () => {
    const { url, bob } = await seeded()
    const poll = as(url, 'alice@acme').get('/events?after=v1:1&wait=1500')
    await sleep(300)
    await bob.post(batch('b', events('b', 2, 2, { stream: 'secret' })))
    // The token skips the secret events: her next read does not look at them again.
    expect((await poll).body).toMatchObject({ events: [], token: 'v1:3', head: 'v1:3' })
  })
})

describe('long polls of readers of some streams, many at once', () => {
  it('wait past a page full of what it may not read (limit 2, three secret events)', async () => {
    const { url, bob } = await seeded()
    const poll = as(url, 'alice@acme').get('/events?after=v1:1&limit=2&wait=20000')
    await sleep(300)
    await bob.post(batch('b', events('b', 2, 3, { stream: 'secret' })))
    // Before: a page of two secret events (the limit) answered her at once, events [].
    const first = await Promise.race([
      poll.then(() => 'answered'),
      sleep(3000).then(() => 'waiting'),
    ])
    expect(first).toBe('waiting')
    await bob.post(batch('b', events('b', 5, 1, { stream: 'todos' })))
    expect((await poll).body).toMatchObject({ token: 'v1:5', head: 'v1:5' })
    expect((await poll).body.events.map((e: any) => e.id)).toEqual(['b-5'])
  }, 30_000)

  it('cost one shared read for a commit of only what they may not read, not one each', async () => {
    const storage = memoryStorage()
    let reads = 0
    const counted: Storage = {
      ...storage,
      kind: storage.kind,
      readText: (request) => {
        reads++
        return storage.readText!(request)
      },
    }
    const { url } = await start({ storage: counted, authorize: restricted })
    const bob = as(url, 'bob@acme')
    expect((await bob.post(batch('b', events('b', 1, 1, { stream: 'todos' })))).status).toBe(200)
    const polls = []
    for (let i = 0; i < 20; i++)
      polls.push(as(url, 'alice@acme').get(`/events?after=v1:1&wait=20000&clientId=a${i}`))
    // Every poll's own first read done, then counted from here.
    while (reads < 20) await sleep(20)
    await sleep(200)
    reads = 0
    expect((await bob.post(batch('b', events('b', 2, 1, { stream: 'secret' })))).status).toBe(200)
    while (reads < 1) await sleep(20)
    await sleep(500)
    // Before: the shared wake-up read, then one read of each poll's own (21).
    expect(reads).toBe(1)
    expect((await bob.post(batch('b', events('b', 3, 1, { stream: 'todos' })))).status).toBe(200)
    for (const poll of polls)
      expect((await poll).body.events.map((e: any) => e.id)).toEqual(['b-3'])
    expect(reads).toBe(2)
  }, 30_000)

  it('hear a commit that came while their shared wake-up read ran', async () => {
    const storage = memoryStorage()
    let reads = 0
    let gate: Promise<void> | undefined
    const counted: Storage = {
      ...storage,
      kind: storage.kind,
      readText: async (request) => {
        reads++
        const read = await storage.readText!(request)
        await gate
        return read
      },
    }
    const { url } = await start({ storage: counted, authorize: restricted })
    const bob = as(url, 'bob@acme')
    expect((await bob.post(batch('b', events('b', 1, 1, { stream: 'todos' })))).status).toBe(200)
    const poll = as(url, 'alice@acme').get('/events?after=v1:1&wait=20000')
    while (reads < 1) await sleep(20)
    await sleep(200)
    let open = () => {}
    gate = new Promise((resolve) => (open = resolve))
    reads = 0
    expect((await bob.post(batch('b', events('b', 2, 1, { stream: 'secret' })))).status).toBe(200)
    // The wake-up read has looked (at the secret event only) and is held; todos commits meanwhile.
    while (reads < 1) await sleep(20)
    expect((await bob.post(batch('b', events('b', 3, 1, { stream: 'todos' })))).status).toBe(200)
    await sleep(200)
    open()
    // Before (without the fanout's flush once more): she waited from v1:2 until the wait's end.
    expect((await poll).body.events.map((e: any) => e.id)).toEqual(['b-3'])
  }, 30_000)
})
