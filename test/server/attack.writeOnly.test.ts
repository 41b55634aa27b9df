// A stream a principal may write but not read (a drop box), over real HTTP: its events go in,
// and nothing the server answers tells the writer how many there are. An expectedVersion there
// was answered with the stream's version (version_conflict, details.actual), and probing it
// one number at a time told it as well: it is refused as forbidden, whatever the number.
import { describe, expect, it } from 'vitest'
import { restricted } from '../support/principals'
import { as, start } from './attack'
import { batch, events } from './helpers'

describe('write-only streams', () => {
  it('refuses an expectedVersion on a stream the writer may not read, and tells no version', async () => {
    const { url } = await start({ authorize: restricted })
    const bob = as(url, 'bob@acme')
    await bob.post(batch('b', events('b', 1, 5, { stream: 'secret-box' })))
    const alice = as(url, 'alice@acme')
    for (let expected = 0; expected <= 7; expected++) {
      const event = events('a', expected + 1, 1, {
        stream: 'secret-box',
        expectedVersion: expected,
      })
      const { status, body } = await alice.post(batch('a', event))
      expect(status).toBe(200)
      expect(body.results[0]).toMatchObject({
        status: 'rejected',
        error: { code: 'forbidden', path: ['expectedVersion'] },
      })
      // No version in the answer: the same error whatever was expected.
      expect(body.results[0].error.details).toEqual({ stream: 'secret-box' })
      expect(body.results[0].error.message).not.toMatch(/\d/)
    }
    // Nothing was stored by the probes: the box holds bob's five, then alice's drop.
    const drop = await alice.post(batch('a', events('a', 9, 1, { stream: 'secret-box' })))
    expect(drop.body.results[0]).toMatchObject({ status: 'applied', position: 'v1:6' })
    const read = await bob.get('/events?after=v1:0&stream=secret-box')
    expect(read.body.events.map((e: any) => e.streamVersion)).toEqual([1, 2, 3, 4, 5, 6])
    // On a stream she may read, expectedVersion works as ever.
    const mine = events('a', 10, 1, { stream: 'todos', expectedVersion: 0 })
    expect((await alice.post(batch('a', mine))).body.results[0].status).toBe('applied')
  })
})
