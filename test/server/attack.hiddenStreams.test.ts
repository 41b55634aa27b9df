// What a principal of some streams (canRead) learns of the streams it may not read, over real
// HTTP. Not their events; but its SSE pokes and long polls wake when bob appends to a stream it
// may not read: alice learns when, to the millisecond, and how often, someone writes `secret`.
// (The count shows anyway in the gaps between the positions of the events she reads: positions
// are the tenant's; the timing need not.) README says "reads, pokes and heads leave out what it
// may not read". Open (it.fails), reported to the lead in notes/redteam21.md.
import { describe, expect, it } from 'vitest'
import { restricted } from '../support/principals'
import { as, readUntil, sleep, start, textOf } from './attack'
import { batch, events } from './helpers'

async function seeded() {
  const { url } = await start({ authorize: restricted })
  const bob = as(url, 'bob@acme')
  expect((await bob.post(batch('b', events('b', 1, 1, { stream: 'todos' })))).status).toBe(200)
  return { url, bob }
}

describe.each([['SSE pokes'], ['long polls']])('%s of a reader of some streams', (how) => {
  it.fails('wake for an event it may read, not for one on a stream it may not', async () => {
    const { url, bob } = await seeded()
    const alice = as(url, 'alice@acme')
    if (how === 'SSE pokes') {
      const sse = textOf(await alice.stream('?after=v1:1'))
      expect(await readUntil(sse, 'retry', 5)).toContain('retry')
      await bob.post(batch('b', events('b', 2, 1, { stream: 'secret' })))
      await bob.post(batch('b', events('b', 3, 1, { stream: 'todos' })))
      const seen = await readUntil(sse, '"v1:3"', 10)
      expect(seen).toContain('"v1:3"')
      // The first poke she hears is of the event she may read.
      expect(seen).not.toContain('"v1:2"')
      await sse.cancel()
    } else {
      const poll = alice.get('/events?after=v1:1&wait=20000')
      await sleep(500)
      await bob.post(batch('b', events('b', 2, 1, { stream: 'secret' })))
      // Still waiting 5 s on: the commit was of nothing she may read. (Registered late, her
      // first read finds only the secret event: that answers at once as well.)
      expect(
        await Promise.race([poll.then(() => 'answered'), sleep(5000).then(() => 'waiting')]),
      ).toBe('waiting')
      await bob.post(batch('b', events('b', 3, 1, { stream: 'todos' })))
      const answer = await poll
      expect(answer.body.events.map((e: any) => e.id)).toEqual(['b-3'])
    }
  }, 30_000)
})
