import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { batch, events } from './helpers'
import { postgresForProcesses, type ServerProcess, startServerProcess } from './processes'

// Child processes on a loaded machine: starts and catch-ups take seconds.
vi.setConfig({ testTimeout: 60_000 })

const dir = mkdtempSync(join(tmpdir(), 'strata-tables-kill-'))
const cluster = postgresForProcesses()
const { running } = cluster
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
/** A fresh store, and a way to start table servers on it with more env. */
function storeOf(kind: 'sqlite' | 'postgres') {
  const env =
    kind === 'sqlite'
      ? { STRATA_DB: join(dir, `events-${n++}.db`) }
      : { STRATA_PG_URL: cluster.postgres().url, STRATA_SCHEMA: cluster.postgres().schema() }
  return async (more: Record<string, string> = {}) => {
    const server = await startServerProcess({ STRATA_TABLE_MODE: 'async', ...env, ...more })
    running.push(server)
    return server
  }
}

async function write(server: ServerProcess, client: string, from: number, count: number) {
  const response = await fetch(`${server.url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(batch(client, events(client, from, count))),
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { token: string }).token
}
const view = async (server: ServerProcess, token: string) => {
  const response = await fetch(`${server.url}/views/applied`, {
    headers: { 'X-Min-Position': token },
  })
  expect(response.status).toBe(200)
  return (await response.json()) as { rows: number; ids: number; version: number }
}
const status = async (server: ServerProcess) =>
  (await (await fetch(`${server.url}/views/applied/status`)).json()) as {
    liveVersion: number
    buildingVersion: number | null
  }

describe.each(['sqlite', 'postgres'] as const)(
  'table projections across processes (%s)',
  (kind) => {
    it('applies every event exactly once after a kill -9 during an async catch-up', async () => {
      const start = storeOf(kind)
      const doomed = await start({ STRATA_APPLY_MS: '5' })
      const applying = doomed.waitFor('APPLYING')
      let token = ''
      for (let i = 0; i < 3; i++) token = await write(doomed, 'c', i * 100 + 1, 100)
      await applying
      await doomed.kill()
      const next = await start()
      expect(await view(next, token)).toMatchObject({ rows: 300, ids: 300 })
    })

    it('applies every event exactly once after a kill -9 during a rebuild, then reads switch', async () => {
      const start = storeOf(kind)
      const v1 = await start({ STRATA_TABLE_MODE: 'inline' })
      let token = ''
      for (let i = 0; i < 3; i++) token = await write(v1, 'c', i * 100 + 1, 100)
      expect(await view(v1, token)).toEqual({ rows: 300, ids: 300, version: 1 })
      await v1.kill()
      const doomed = await start({
        STRATA_TABLE_MODE: 'inline',
        STRATA_TABLE_VERSION: '2',
        STRATA_APPLY_MS: '5',
      })
      // While version 2 is built (300 events at 5 ms each), version 1's tables answer.
      expect(await view(doomed, token)).toEqual({ rows: 300, ids: 300, version: 1 })
      expect(await status(doomed)).toMatchObject({ liveVersion: 1, buildingVersion: 2 })
      await doomed.kill()
      const v2 = await start({ STRATA_TABLE_MODE: 'inline', STRATA_TABLE_VERSION: '2' })
      while ((await status(v2)).liveVersion !== 2) await new Promise((r) => setTimeout(r, 20))
      expect(await view(v2, token)).toEqual({ rows: 300, ids: 300, version: 2 })
    })

    it.each(['async', 'inline'])(
      'two server processes never apply one event twice, and each reads the other’s writes (%s)',
      async (mode) => {
        const start = storeOf(kind)
        const servers = [
          await start({ STRATA_TABLE_MODE: mode, STRATA_APPLY_MS: '1' }),
          await start({ STRATA_TABLE_MODE: mode, STRATA_APPLY_MS: '1' }),
        ]
        for (let i = 0; i < 10; i++) {
          const token = await write(servers[i % 2]!, `c${i % 2}`, Math.floor(i / 2) * 20 + 1, 20)
          // Read-your-writes on the other process: everything written so far, each row once.
          expect(await view(servers[(i + 1) % 2]!, token)).toMatchObject({
            rows: 20 * (i + 1),
            ids: 20 * (i + 1),
          })
        }
      },
    )
  },
)
