import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEventServer, sqliteStorage } from '@strata/state/server'
import { afterAll, describe, expect, it } from 'vitest'
import { batch, events, postOk, readAll, wireEvent } from './helpers'
import { type ServerProcess, startServerProcess } from './processes'

const dir = mkdtempSync(join(tmpdir(), 'strata-sqlite-kill-'))
const running: ServerProcess[] = []
afterAll(async () => {
  await Promise.all(running.map((p) => p.kill()))
  rmSync(dir, { recursive: true, force: true })
})

describe('SQLite file with a server process killed mid-batch', () => {
  it('stores nothing of the batch; the retry by the next process lands once', async () => {
    const db = join(dir, 'events.db')
    const doomed = await startServerProcess({ STRATA_DB: db, STRATA_HOLD_TYPE: 'hold' })
    running.push(doomed)
    const post = (body: unknown) =>
      fetch(`${doomed.url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    expect((await post(batch('c0', events('c0', 1, 1)))).status).toBe(200)
    const body = batch('c1', [...events('c1', 1, 2), wireEvent(3, { id: 'c1-3', type: 'hold' })])
    const holding = doomed.waitFor('HOLDING')
    const lost = post(body).catch((error: unknown) => error)
    await holding
    await doomed.kill()
    expect(await lost).toBeInstanceOf(Error)

    const storage = sqliteStorage(db)
    const server = createEventServer({ storage, onError: () => {} })
    expect((await readAll(server)).events.map((e) => e.id)).toEqual(['c0-1'])
    const retry = await postOk(server, body)
    expect(retry.results.map((r) => [r.status, r.position])).toEqual([
      ['applied', 'v1:2'],
      ['applied', 'v1:3'],
      ['applied', 'v1:4'],
    ])
    expect((await postOk(server, body)).results.map((r) => r.status)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
    ])
    expect((await readAll(server)).events.map((e) => e.id)).toEqual([
      'c0-1',
      'c1-1',
      'c1-2',
      'c1-3',
    ])
    await server.close()
    await storage.close()
  }, 30_000)
})
