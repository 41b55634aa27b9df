// Forgets at once share the wipe of deleted pages (on PostgreSQL a VACUUM FULL that locks every
// tenant's key, checkpoint and projection tables): coalesce.ts, then concurrent forgets of
// several tenants over real HTTP on SQLite and PostgreSQL.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { coalesced } from '../../src/server/storage/coalesce'
import { as, attackStores, forget, start, withAdmins } from './attack'
import { NAMES, people, personal } from './erasureFixtures'
import { batch } from './helpers'

/** A task whose runs are counted and finished by hand. */
function task() {
  const runs: { started: number; finish: () => void; fail: (e: Error) => void }[] = []
  let clock = 0
  const run = () =>
    new Promise<void>((resolve, reject) => {
      runs.push({ started: clock++, finish: resolve, fail: reject })
    })
  return { runs, run }
}

const settled = () => new Promise((r) => setTimeout(r, 0))

describe('coalesced', () => {
  afterEach(() => vi.useRealTimers())

  it('runs once for a lone call, and again for a call after it ended', async () => {
    const { runs, run } = task()
    const wipe = coalesced(run)
    const first = wipe()
    expect(runs).toHaveLength(1)
    runs[0]!.finish()
    await first
    const second = wipe()
    expect(runs).toHaveLength(2)
    runs[1]!.finish()
    await second
  })

  it('serves every call made during a run with one next run, which starts after it', async () => {
    const { runs, run } = task()
    const wipe = coalesced(run)
    const first = wipe()
    let done = 0
    const later = Array.from({ length: 10 }, () => wipe().then(() => done++))
    await settled()
    expect(runs).toHaveLength(1) // never two at once
    runs[0]!.finish()
    await first
    await settled()
    // A run that began before these calls may not cover their changes: they wait for the next.
    expect(done).toBe(0)
    expect(runs).toHaveLength(2)
    runs[1]!.finish()
    await Promise.all(later)
    expect(done).toBe(10)
    expect(runs).toHaveLength(2)
  })

  it('tells a failed run to its callers only, and tries the next at once', async () => {
    const { runs, run } = task()
    const wipe = coalesced(run, { pause: true })
    const first = wipe()
    const second = wipe()
    runs[0]!.fail(new Error('a reader stays open'))
    await expect(first).rejects.toThrow('a reader stays open')
    await settled()
    expect(runs).toHaveLength(2)
    runs[1]!.finish()
    await expect(second).resolves.toBeUndefined()
  })

  it('with pause, waits as long as the last run took before the next, also for calls in a loop', async () => {
    vi.useFakeTimers()
    const { runs, run } = task()
    const wipe = coalesced(run, { pause: true })
    const first = wipe()
    await vi.advanceTimersByTimeAsync(300) // the run takes 300 ms
    runs[0]!.finish()
    await first
    // The next call, made right after (a loop of forgets), waits out the pause.
    let second = false
    const next = wipe().then(() => (second = true))
    await vi.advanceTimersByTimeAsync(250)
    expect(runs).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(60)
    expect(runs).toHaveLength(2)
    runs[1]!.finish()
    await next
    expect(second).toBe(true)
  })
})

const stores = attackStores().filter(([, sql]) => sql)

describe.each(stores)('concurrent forgets on %s', (_name, _sql, make) => {
  it('of six tenants all answer forgotten, each leaving its tenant no plaintext and the others theirs', async () => {
    const storage = await make()
    const { url } = await start({
      storage,
      personal,
      authorize: withAdmins,
    })
    const tenants = ['acme', 'beta', 'gamma', 'delta', 'omega', 'sigma']
    for (const tenant of tenants)
      expect((await as(url, `bob@${tenant}`).post(batch('c1', people('c1')))).status).toBe(200)
    // Ada in every tenant, Bob in none, all at once.
    const answers = await Promise.all(tenants.map((t) => forget(url, 'ada', `root@${t}`)))
    expect(answers.map((a) => a.status)).toEqual(tenants.map(() => 200))
    for (const tenant of tenants) {
      const read = JSON.stringify((await as(url, `bob@${tenant}`).get('/events?after=v1:0')).body)
      expect(read).not.toContain(NAMES.ada)
      expect(read).toContain(NAMES.bob)
    }
    // A forget after the burst wipes again and answers too.
    expect((await forget(url, 'bob', 'root@acme')).status).toBe(200)
    const acme = JSON.stringify((await as(url, 'bob@acme').get('/events?after=v1:0')).body)
    expect(acme).not.toContain(NAMES.bob)
  })
})
