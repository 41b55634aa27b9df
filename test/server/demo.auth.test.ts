// The demo's API over real HTTP: it uses the development token, so nothing else on the machine
// reads or writes the board.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startKanbanServer } from '../../examples/kanban/server'

const dir = mkdtempSync(join(tmpdir(), 'strata-demo-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the kanban demo API', () => {
  it('answers only requests that bear its development token', async () => {
    const api = await startKanbanServer({ db: join(dir, 'events.db'), port: 0 })
    try {
      const get = (headers: Record<string, string> = {}) =>
        fetch(`${api.url}/api/events`, { headers }).then((r) => r.status)
      expect(api.token.length).toBeGreaterThanOrEqual(16)
      expect(await get()).toBe(401)
      expect(await get({ authorization: `Bearer ${api.token}x` })).toBe(401)
      expect(await get({ authorization: `Bearer ${api.token}` })).toBe(200)
      const post = await fetch(`${api.url}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ protocol: 1, clientId: 'intruder', events: [] }),
      })
      expect(post.status).toBe(401)
    } finally {
      await api.close()
    }
  })
})
