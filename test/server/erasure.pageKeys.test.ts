// Node's key handles (the AES-ECB context gcm.ts makes per subject key the server ciphers with):
// a forget leaves none of the forgotten subjects' in memory, as it leaves none of their key
// bytes. Counted on the heap (v8.queryObjects collects garbage first), so a handle kept anywhere
// strongly, in a Map beside the cache or in the cipher code, would show.
import { createCipheriv } from 'node:crypto'
import { queryObjects } from 'node:v8'
import { createEventServer, type Storage, sqliteStorage } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { BASE, batch, events, postOk, readAll } from './helpers'
import { as, authorize } from './suite.server.setup'

const personal = {
  'user/renamed': { subject: (p: any) => p.userId, fields: ['name'] },
}
const SUBJECTS = 20
const KeyHandle = createCipheriv('aes-256-ecb', new Uint8Array(32), null).constructor
const handles = () => queryObjects(KeyHandle, { format: 'count' }) as number

/** One rename of each subject, sealed by a server gone after (its cache and handles with it). */
async function write(storage: Storage) {
  const server = createEventServer({ storage, personal, authorize })
  const renames = Array.from({ length: SUBJECTS }, (_, i) =>
    events('c1', i + 1, 1, {
      type: 'user/renamed',
      stream: 'users',
      payload: { userId: `user-${i}`, name: `Person ${i}` },
    }),
  ).flat()
  await postOk(server, batch('c1', renames), as('bob'))
  await server.close()
}

describe('key handles', () => {
  it("are dropped with a forgotten subject's key: only the others' are made again", async () => {
    const storage = sqliteStorage(':memory:')
    await write(storage)
    const before = handles()
    // A server that never sealed them opens them: each subject's key read, a handle made for it.
    const reader = createEventServer({ storage, personal, authorize })
    const names = async () =>
      (await readAll(reader, as('bob'))).events
        .filter((e: any) => e.type === 'user/renamed')
        .map((e: any) => e.payload.name)
    expect(await names()).toContain('Person 7')
    expect(handles() - before).toBeGreaterThanOrEqual(SUBJECTS)
    // Half of them forgotten through the reader: its cache drops the tenant's keys and handles.
    for (let i = 0; i < SUBJECTS / 2; i++) {
      const response = await reader.fetch(
        new Request(`${BASE}/subjects/user-${i}/forget`, { method: 'POST', headers: as('root') }),
      )
      expect(response.status).toBe(200)
    }
    // Read again, the other half's keys are read and handled again; none of the forgotten ones'.
    expect((await names()).filter((n: unknown) => typeof n === 'string')).toHaveLength(SUBJECTS / 2)
    expect(handles() - before).toBeLessThanOrEqual(SUBJECTS / 2 + 1)
    await reader.close()
    await storage.close()
  }, 30_000)
})
