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
