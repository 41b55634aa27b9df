// The small ones over real HTTP: store files only their owner reads, error bodies that do not
// grow with the input, and an SSE resume from a token ahead of the head refused as GET refuses it.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStorage } from '@strata/state/server'
import { afterAll, describe, expect, it } from 'vitest'
import { as, start } from './attack'
import { batch, events } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'strata-small-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('small holes', () => {
  it('creates SQLite files readable by their owner only, -wal and -shm included', async () => {
    const previous = process.umask(0o022)
    try {
      const db = join(dir, 'private.db')
      const { url } = await start({ storage: sqliteStorage(db) })
      expect((await as(url, 'alice@acme').post(batch('c', events('c', 1, 1)))).status).toBe(200)
      // The -wal and -shm files exist while the store is open.
      for (const file of [db, `${db}-wal`, `${db}-shm`])
        expect((statSync(file).mode & 0o777).toString(8)).toBe('600')
      // A file that already exists keeps the mode its owner gave it.
      const shared = join(dir, 'shared.db')
      await sqliteStorage(shared).close()
      const { chmodSync } = await import('node:fs')
      chmodSync(shared, 0o640)
      await sqliteStorage(shared).close()
      expect((statSync(shared).mode & 0o777).toString(8)).toBe('640')
    } finally {
      process.umask(previous)
    }
  })

  it.each([
    [
      'an unknown field',
      (big: string) => JSON.stringify({ protocol: 1, clientId: 'c', events: [], [big]: 1 }),
    ],
    [
      'an unknown event field',
      (big: string) => JSON.stringify({ protocol: 1, clientId: 'c', events: [{ [big]: 1 }] }),
    ],
    [
      'a long client id',
      (big: string) => JSON.stringify({ protocol: 1, clientId: big, events: [] }),
    ],
    ['broken JSON', (big: string) => `{"protocol":1,"clientId":"${big}`],
  ])('answers %s of 900 KB with a small error body', async (_, make) => {
    const { url } = await start()
    const response = await fetch(`${url}/events`, {
      method: 'POST',
      headers: { authorization: 'Bearer alice@acme', 'content-type': 'application/json' },
      body: make('x'.repeat(900_000)),
    })
    const text = await response.text()
    expect(response.status).toBe(400)
    expect(text.length).toBeLessThan(2000)
    expect(JSON.parse(text).error.code).toBe('bad_request')
  })

  it('keeps error bodies small for long paths and query names too', async () => {
    const { url } = await start()
    const alice = as(url, 'alice@acme')
    for (const path of [
      `/views/${'v'.repeat(60_000)}`,
      `/${'p'.repeat(60_000)}`,
      `/events?${'q'.repeat(60_000)}=1`,
    ]) {
      const response = await fetch(`${url}${path}`, { headers: alice.headers })
      expect((await response.text()).length).toBeLessThan(2000)
    }
  })

  it('refuses an SSE resume from a token ahead of the head with bad_token, as GET /events does', async () => {
    const { url } = await start()
    const alice = as(url, 'alice@acme')
    await alice.post(batch('c', events('c', 1, 2)))
    const read = await alice.get('/events?after=v1:9')
    for (const stream of [
      await alice.stream('?after=v1:9'),
      await alice.stream('', { 'Last-Event-ID': 'v1:9' }),
    ]) {
      expect(stream.status).toBe(400)
      const body = (await stream.json()) as any
      expect(body.error).toEqual(read.body.error)
      expect(body.error).toMatchObject({ code: 'bad_token', details: { head: 'v1:2' } })
    }
    // At the head, the stream opens and waits.
    const open = await alice.stream('?after=v1:2')
    expect(open.status).toBe(200)
    await open.body?.cancel()
  })
})
