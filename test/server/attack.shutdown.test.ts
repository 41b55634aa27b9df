// A server closing under 1,000 waiting clients, over real HTTP on memory, SQLite and PostgreSQL:
// every long poll and event stream ends, each with its own tenant's events only, no slot stays
// held, and batches whose answers were lost are stored once when sent again to the next server.
import { describe, expect, it } from 'vitest'
import { type AttackStore, as, attackStores, readUntil, start, textOf } from './attack'
import { batch, events } from './helpers'

/** A principal name of letters only (what `byToken` accepts), one per index. */
const nameOf = (i: number) => {
  let name = ''
  do {
    name = String.fromCharCode(97 + (i % 26)) + name
    i = Math.floor(i / 26)
  } while (i > 0)
  return `p${name}`
}

describe.each(attackStores())('closing on %s', (_name, _sql, make: AttackStore[2]) => {
  it('ends 1,000 long polls and 50 streams, leaks nothing across tenants, and stores a batch sent again once', async () => {
    const storage = await make()
    const running = await start({ storage })
    const { url, server } = running
    const tenantOf = (i: number) => (i % 2 ? 'acme' : 'evil')
    const polls = Array.from({ length: 1000 }, (_, i) =>
      fetch(`${url}/events?after=v1:0&wait=30000`, {
        headers: { authorization: `Bearer ${nameOf(i)}@${tenantOf(i)}` },
      })
        .then(async (r) => ({ status: r.status, text: await r.text() }))
        .catch(() => ({ status: 0, text: '' })),
    )
    const streams = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const reader = textOf(await as(url, `s${nameOf(i)}@${tenantOf(i)}`).stream())
        await readUntil(reader, 'retry:')
        return reader
      }),
    )
    await expect
      .poll(() => server.stats(), { timeout: 20_000 })
      .toEqual({
        longPolls: 1000,
        streams: 50,
      })
    // Writers of acme; the server closes while their batches are on the way.
    const batches = Array.from({ length: 20 }, (_, w) => batch(`w${w}`, events(`w${w}`, 1, 5)))
    const sent = batches.map((body, w) =>
      as(url, `w${nameOf(w)}@acme`)
        .post(body)
        .catch(() => undefined),
    )
    await expect.poll(() => storage.head('acme'), { timeout: 20_000 }).toBeGreaterThan(0)
    await running.close()
    const answers = await Promise.all(polls)
    await Promise.all(sent)
    expect(server.stats()).toEqual({ longPolls: 0, streams: 0 })
    // Every stream ended (a read past its last chunk is done), each with its tenant's pokes only.
    for (const [i, reader] of streams.entries()) {
      const heard = await readUntil(reader, '\u0000', 1000)
      if (tenantOf(i) === 'evil') expect(heard).not.toContain('event: poke')
    }
    for (const [i, answer] of answers.entries()) {
      // Answered (empty at the close, or with events), or cut with the connection.
      if (answer.status === 0) continue
      expect(answer.status).toBe(200)
      const body = JSON.parse(answer.text)
      if (tenantOf(i) === 'evil') expect(body).toMatchObject({ events: [], head: 'v1:0' })
      for (const e of body.events) expect(e.clientId).toMatch(/^w\d+$/)
    }
    // The writers never heard back, or did: they send again, to the next server on the store.
    const next = await start({ storage })
    for (const [w, body] of batches.entries()) {
      const answer = await as(next.url, `w${nameOf(w)}@acme`).post(body)
      expect(answer.status).toBe(200)
    }
    const all = await as(next.url, 'reader@acme').get('/events?after=v1:0&limit=1000')
    const ids = all.body.events.map((e: any) => `${e.clientId}/${e.id}`)
    expect([ids.length, new Set(ids).size, all.body.head]).toEqual([100, 100, 'v1:100'])
    expect((await as(next.url, 'reader@evil').get('/events?after=v1:0')).body.head).toBe('v1:0')
  }, 120_000)
})
