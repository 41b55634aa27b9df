// Tenants over real HTTP: what one tenant observes (head, tokens, long-poll wake-ups, SSE pokes,
// views) moves only with its own events, however much another tenant writes.
import type { Projection } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { as, readUntil, sleep, start, textOf } from './attack'
import { batch, events } from './helpers'
import { countProjection } from './suite.projections'

describe('tenants are isolated', () => {
  it('keeps the head and tokens still while another tenant writes', async () => {
    const { url } = await start()
    const alice = as(url, 'alice@acme')
    const eve = as(url, 'eve@evil')
    for (let round = 0; round < 10; round++) {
      await eve.post(batch('e', events('e', round * 3 + 1, 3)))
      const read = await alice.get('/events?after=v1:0')
      expect(read.body).toMatchObject({ events: [], head: 'v1:0', token: 'v1:0' })
      expect((await alice.post(batch('a', []))).body.token).toBe('v1:0')
    }
    // Her own first event is her position 1, not 31.
    expect((await alice.post(batch('a', events('a', 1, 1)))).body.token).toBe('v1:1')
    expect((await eve.get('/events?after=v1:29')).body.head).toBe('v1:30')
  })

  it('sleeps through other tenants’ writes in a long poll and wakes on its own', async () => {
    const { url } = await start()
    const alice = as(url, 'alice@acme')
    const eve = as(url, 'eve@evil')
    const poll = alice.get('/events?after=v1:0&wait=30000')
    await sleep(50)
    for (let i = 1; i <= 5; i++) await eve.post(batch('e', events('e', i, 1)))
    await sleep(50)
    await alice.post(batch('a', events('a', 1, 1)))
    // Woken early by eve, the poll would have answered empty: it carries alice's event.
    const { body } = await poll
    expect(body.events.map((e: any) => [e.position, e.clientId])).toEqual([['v1:1', 'a']])
  })

  it('pokes an event stream only for its own tenant’s events', async () => {
    const { url } = await start()
    const alice = as(url, 'alice@acme')
    const eve = as(url, 'eve@evil')
    const reader = textOf(await alice.stream('?after=v1:0'))
    expect(await readUntil(reader, 'retry:')).not.toContain('poke')
    // Poked for eve's batch, alice would hear head 5 first.
    await eve.post(batch('e', events('e', 1, 5)))
    await alice.post(batch('a', events('a', 1, 1)))
    const text = await readUntil(reader, 'event: poke')
    expect(text.match(/event: poke/g)).toHaveLength(1)
    expect(text).toContain('data: {"head":"v1:1"}')
    await reader.cancel()
    // And eve's stream, resumed where she is, hears alice's write not at all.
    const eves = textOf(await eve.stream('', { 'Last-Event-ID': 'v1:5' }))
    await readUntil(eves, 'retry:')
    // Poked for alice's batch, eve would hear head 11 first.
    await alice.post(batch('a', events('a', 2, 10)))
    await eve.post(batch('e', events('e', 6, 1)))
    const heard = await readUntil(eves, 'event: poke')
    expect(heard).toContain('"v1:6"')
    expect(heard.match(/event: poke/g)).toHaveLength(1)
    await eves.cancel()
  })

  it('folds views per tenant by default; a view over all tenants needs its own read', async () => {
    const everyone: Projection<Record<string, number>> = {
      name: 'everyone',
      scope: 'all',
      initialState: {},
      apply: (state, e) => ({ ...state, [e.tenant]: (state[e.tenant] ?? 0) + 1 }),
    }
    const { url } = await start({
      projections: [countProjection('count', 'async'), countProjection('now', 'inline'), everyone],
    })
    const alice = as(url, 'alice@acme')
    const eve = as(url, 'eve@evil')
    const mine = await alice.post(batch('a', events('a', 1, 2)))
    const theirs = await eve.post(batch('e', events('e', 1, 5)))
    for (const name of ['count', 'now']) {
      const view = await alice.get(`/views/${name}`, { 'X-Min-Position': mine.body.token })
      expect([view.body, view.headers.get('x-position')]).toEqual([
        { count: 2, last: 'a-2' },
        'v1:2',
      ])
      const other = await eve.get(`/views/${name}`, { 'X-Min-Position': theirs.body.token })
      expect(other.body).toEqual({ count: 5, last: 'e-5' })
    }
    // A tenant's token is its own: eve's position 5 is past alice's head, not a wait for it.
    const borrowed = await alice.get('/views/count', { 'X-Min-Position': theirs.body.token })
    expect([borrowed.status, borrowed.body.error.code]).toEqual([400, 'bad_token'])
    const all = await alice.get('/views/everyone')
    expect([all.status, all.body.error.code]).toEqual([403, 'forbidden'])
    expect(JSON.stringify(all.body)).not.toContain('evil')
  })
})
