import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type RunningServer, serve, sqliteStorage } from '@strata/state/server'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { batch, events } from './helpers'
import { as, authorize } from './suite.server.setup'
import { cardsProjection } from './suite.tables'

const dir = mkdtempSync(join(tmpdir(), 'strata-tables-http-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let running: RunningServer | undefined
afterEach(async () => {
  await running?.close()
  running = undefined
})

/** A view whose parameters try to reach another tenant's rows. */
const probing = cardsProjection({
  read: (db, { tenant, min }) =>
    tenant
      ? db.all('SELECT id FROM {cards} WHERE strata_tenant = ?', [tenant])
      : db.all('SELECT id, n FROM {cards} WHERE n >= ? ORDER BY n', [Number(min ?? 0)]),
})

describe('table views over HTTP', () => {
  it('answers with parameters, after the caller’s own write, its tenant’s rows only', async () => {
    running = await serve({
      port: 0,
      storage: sqliteStorage(join(dir, 'views.db')),
      authorize,
      projections: [probing],
      onError: () => {},
    })
    const { url } = running
    const write = async (user: string, client: string, count: number) => {
      const response = await fetch(`${url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...as(user) },
        body: JSON.stringify(batch(client, events(client, 1, count))),
      })
      expect(response.status).toBe(200)
      return ((await response.json()) as { token: string }).token
    }
    const view = (user: string, query: string, token?: string) =>
      fetch(`${url}/views/cards${query}`, {
        headers: { ...as(user), ...(token ? { 'X-Min-Position': token } : {}) },
      })
    const alice = await write('alice', 'a', 3)
    const eve = await write('eve', 'e', 1)
    const mine = await view('alice', '?min=2', alice)
    expect(mine.status).toBe(200)
    expect(mine.headers.get('x-position')).toBe(alice)
    expect(await mine.json()).toEqual([
      { id: 'a-2', n: 2 },
      { id: 'a-3', n: 3 },
    ])
    expect(await (await view('eve', '?min=0', eve)).json()).toEqual([{ id: 'e-1', n: 1 }])
    // Eve asks for Alice's tenant by name: the tenant column is not there to ask for.
    const probe = await view('eve', '?tenant=acme')
    expect(probe.status).toBe(500)
    expect(JSON.stringify(await probe.json())).not.toContain('a-1')
    // Alice's token means nothing in Eve's tenant (it is past Eve's head).
    expect((await view('eve', '', alice)).status).toBe(400)
    // No credential, no view.
    expect((await fetch(`${url}/views/cards`)).status).toBe(401)
  })
})
