// Held requests shared fairly between tenants, over real HTTP: one tenant opening long polls or
// event streams from as many principals as it likes takes its share (maxLongPollsPerTenant,
// maxStreamsPerTenant), and past it only while the server is under half full, so another tenant
// is still served; and every slot comes back when its client goes, however it goes.
import { DEFAULT_LIMITS, type Projection } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { as, sleep, start, textOf } from './attack'
import { batch, events } from './helpers'

const users = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i))

/** Long polls held as `who` until `ctrl` aborts; resolves undefined once aborted. */
function holder(url: string, ctrl: AbortController) {
  return (who: string, path = '/events?after=v1:0&wait=30000') =>
    fetch(`${url}${path}`, { headers: { authorization: `Bearer ${who}` }, signal: ctrl.signal })
      .then(async (r) => ({ status: r.status, body: (await r.json()) as any }))
      .catch(() => undefined)
}

describe('held requests per tenant', () => {
  it('leaves the per-tenant shares below the totals by default', () => {
    expect(DEFAULT_LIMITS.maxLongPollsPerTenant).toBeLessThan(DEFAULT_LIMITS.maxLongPolls)
    expect(DEFAULT_LIMITS.maxStreamsPerTenant).toBeLessThan(DEFAULT_LIMITS.maxStreams)
    expect(DEFAULT_LIMITS.maxLongPollsPerTenant).toBeGreaterThanOrEqual(
      DEFAULT_LIMITS.maxLongPollsPerPrincipal,
    )
  })

  it('one tenant holding long polls from many principals leaves another tenant served', async () => {
    const { url, server } = await start({
      limits: {
        maxLongPolls: 20,
        maxLongPollsPerTenant: 8,
        maxLongPollsPerPrincipal: 2,
        retryAfterSeconds: 3,
      },
    })
    const ctrl = new AbortController()
    const hold = holder(url, ctrl)
    // Acme's 10 principals ask for 20 slots, the server's whole budget: its share of 8, and
    // past it what keeps the server under half full (2 more), no more.
    const acme = users(10).flatMap((u) => [hold(`${u}@acme`), hold(`${u}@acme`)])
    const settled = await Promise.race([Promise.all(acme), sleep(1500).then(() => 'held')])
    expect(settled).toBe('held')
    expect(server.stats().longPolls).toBe(10)
    const over = await as(url, 'zed@acme').get('/events?wait=30000')
    expect([over.status, over.headers.get('retry-after'), over.body.error]).toEqual([
      503,
      '3',
      expect.objectContaining({
        code: 'unavailable',
        message: 'Too many long polls open (8 per tenant); retry later',
        details: { limit: 'maxLongPollsPerTenant', max: 8 },
      }),
    ])
    // Evil is served: its poll waits, and wakes with its own event.
    const eve = as(url, 'eve@evil').get('/events?after=v1:0&wait=30000')
    await expect.poll(() => server.stats().longPolls).toBe(11)
    await as(url, 'eve@evil').post(batch('e', events('e', 1, 1)))
    const woken = await eve
    expect([woken.status, woken.body.events.map((e: any) => e.position)]).toEqual([200, ['v1:1']])
    // A view read and a snapshot read wait in the same budget: acme's are refused, evil's not.
    for (const path of ['/views/count', '/snapshots/board']) {
      expect((await as(url, 'zed@acme').get(path)).body.error.details.limit).toBe(
        'maxLongPollsPerTenant',
      )
      expect((await as(url, 'eve@evil').get(path)).body.error?.details?.limit).toBeUndefined()
    }
    ctrl.abort()
    await Promise.all(acme)
    await expect.poll(() => server.stats().longPolls).toBe(0)
  })

  it('one tenant holding event streams from many principals leaves another tenant served', async () => {
    const { url, server } = await start({
      limits: { maxStreams: 6, maxStreamsPerTenant: 4, maxStreamsPerPrincipal: 1 },
    })
    const opened = await Promise.all(users(6).map((u) => as(url, `${u}@acme`).stream()))
    expect(opened.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 503, 503])
    const refused = opened.find((r) => r.status === 503)!
    expect(((await refused.json()) as any).error.details).toEqual({
      limit: 'maxStreamsPerTenant',
      max: 4,
    })
    expect(server.stats().streams).toBe(4)
    const eve = await as(url, 'eve@evil').stream()
    expect(eve.status).toBe(200)
    await eve.body!.cancel()
    for (const r of opened) await r.body?.cancel().catch(() => {})
    await expect.poll(() => server.stats().streams).toBe(0)
  })

  it('gives every slot back after 1,000 aborted long polls, view reads and streams', async () => {
    const never: Projection<number> = {
      name: 'never',
      initialState: 0,
      apply: () => new Promise<number>(() => {}),
    }
    const { url, server } = await start({
      projections: [never],
      limits: {
        // Half of 20 is the share: a tenant past it is refused whatever the load.
        maxLongPolls: 20,
        maxLongPollsPerTenant: 10,
        maxLongPollsPerPrincipal: 10,
        maxStreamsPerTenant: 10,
        maxStreamsPerPrincipal: 10,
        viewWaitMs: 30_000,
      },
    })
    await as(url, 'alice@acme').post(batch('a', events('a', 1, 1)))
    const paths = [
      '/events?after=v1:1&wait=30000',
      '/views/never?x=1',
      '/events?after=v1:1&wait=30000&clientId=a',
    ]
    // 100 rounds of 10: aborted at once, or once held, or after the server refused some.
    for (let round = 0; round < 100; round++) {
      const ctrl = new AbortController()
      const path = paths[round % paths.length]!
      const headers = {
        authorization: 'Bearer alice@acme',
        ...(path.startsWith('/views') ? { 'x-min-position': 'v1:1' } : {}),
      }
      const held = Array.from({ length: round % 4 === 3 ? 12 : 10 }, () =>
        fetch(`${url}${path}`, { headers, signal: ctrl.signal }).catch(() => undefined),
      )
      if (round % 2) await expect.poll(() => server.stats().longPolls).toBe(10)
      ctrl.abort()
      await Promise.all(held)
    }
    for (let round = 0; round < 20; round++) {
      const streams = await Promise.all(
        Array.from({ length: 10 }, () => as(url, 'alice@acme').stream()),
      )
      expect(streams.every((s) => s.status === 200)).toBe(true)
      for (const s of streams) await s.body!.cancel()
      await expect.poll(() => server.stats().streams).toBe(0)
    }
    await expect.poll(() => server.stats()).toEqual({ longPolls: 0, streams: 0 })
    // The tenant's full share is there again, and not one more.
    const ctrl = new AbortController()
    const again = Array.from({ length: 10 }, () => holder(url, ctrl)('alice@acme', paths[0]))
    await expect.poll(() => server.stats().longPolls).toBe(10)
    expect((await as(url, 'bob@acme').get('/events?wait=30000')).status).toBe(503)
    const reader = textOf(await as(url, 'bob@acme').stream())
    await reader.cancel()
    ctrl.abort()
    await Promise.all(again)
    await expect.poll(() => server.stats()).toEqual({ longPolls: 0, streams: 0 })
  }, 120_000)
})
