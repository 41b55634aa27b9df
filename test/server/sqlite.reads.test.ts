// better-sqlite3's reads block the thread. Run back to back as they came, fifty reads of a
// thousand events held a POST for 1.3 s; SQLite storage runs one read per turn of the event loop
// instead, so a POST that arrives among them waits for a few at most.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEventServer, sqliteStorage } from '@strata/state/server'
import { afterAll, describe, expect, it } from 'vitest'
import { batch, events, get, post } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'strata-reads-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('a crowd of large reads on SQLite', () => {
  it('does not hold up a POST: 50 reads of 1,000 events take turns with it', {
    timeout: 60_000,
  }, async () => {
    const storage = sqliteStorage(join(dir, 'events.db'))
    const server = createEventServer({ storage })
    try {
      for (let b = 0; b < 10; b++) {
        const stored = await post(server, batch('bulk', events('bulk', b * 100 + 1, 100)))
        expect(stored.status).toBe(200)
      }
      const order: string[] = []
      // All fifty have asked for their read before the POST comes, as over a busy socket.
      const reads = Array.from({ length: 50 }, () =>
        get(server, '/events?after=v1:0&limit=1000').then((r) => {
          order.push('read')
          return r
        }),
      )
      const write = post(server, batch('writer', events('writer', 1, 1))).then((r) => {
        order.push('post')
        return r
      })
      const [answers, written] = await Promise.all([Promise.all(reads), write])
      expect(written.body.results[0].status).toBe('applied')
      for (const { body } of answers) expect(body.events).toHaveLength(1000)
      expect(order.indexOf('post')).toBeLessThan(5)
    } finally {
      await server.close()
      await storage.close()
    }
  })
})
