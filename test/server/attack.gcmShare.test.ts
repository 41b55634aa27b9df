// The AES-GCM state made per subject key (gcm.ts: an AES-ECB context and GHASH tables, ~5 us to
// make) was kept for the last 4,096 keys made, whichever tenant's (0a8fc42): one tenant sealing
// or opening under 5,000 keys of its own emptied every other tenant's states, so their next
// appends and reads made them again (+5 us a key), and a tenant timing its own could tell that
// others were busy. Now a state lives as long as its key in the cache of keys, whose shares are
// per tenant. Over real HTTP, counting the ECB contexts Node makes: another tenant's traffic
// does not make acme's next append under the same 50 keys make any again.
import crypto from 'node:crypto'
import { memoryStorage } from '@strata/state/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { as, start } from './attack'
import { personal } from './erasureFixtures'
import { batch, events } from './helpers'

const renamed = (clientId: string, seq: number, userId: string) =>
  events(clientId, seq, 1, {
    type: 'user/renamed',
    stream: 'users',
    payload: { userId, name: `name of ${userId}`, email: `${userId}@example.com` },
  })

/** Counts the AES-ECB contexts made from now on (gcm.ts makes one per key state). */
function countContexts() {
  const made = { count: 0 }
  const real = crypto.createCipheriv
  vi.spyOn(crypto, 'createCipheriv').mockImplementation(((...args: Parameters<typeof real>) => {
    if (args[0] === 'aes-256-ecb') made.count++
    return real(...args)
  }) as typeof real)
  return made
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('the GCM key states shared by tenants, over real HTTP', () => {
  it("another tenant's 5,000 keys leave acme's 50 key states made", async () => {
    const { url } = await start({ storage: memoryStorage(), personal })
    const alice = as(url, 'alice@acme')
    const subjects = Array.from({ length: 50 }, (_, i) => `u${i}`)
    const round = (from: number) => subjects.flatMap((s, i) => renamed('a', from + i, s))
    expect((await alice.post(batch('a', round(1)))).status).toBe(200)
    const made = countContexts()
    // Alice again under the same keys (cached): no state made again.
    expect((await alice.post(batch('a', round(51)))).status).toBe(200)
    expect(made.count).toBe(0)
    // Mallory's 5,000 events of 5,000 subjects in another tenant.
    const mallory = as(url, 'mallory@evil')
    for (let b = 0; b < 5; b++) {
      const list = Array.from({ length: 1000 }, (_, i) =>
        renamed('m', b * 1000 + i + 1, `m${b * 1000 + i}`),
      )
      expect((await mallory.post(batch('m', list.flat()))).status).toBe(200)
    }
    expect(made.count).toBeGreaterThanOrEqual(5000)
    made.count = 0
    expect((await alice.post(batch('a', round(101)))).status).toBe(200)
    // 50 with the shared ring: each of acme's states was emptied by evil's and made again.
    expect(made.count).toBe(0)
  }, 60_000)
})
