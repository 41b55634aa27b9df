import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Commit, type Storage, sqliteStorage } from '@strata/state/server'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { stored } from './suite.storage'

const dir = mkdtempSync(join(tmpdir(), 'strata-group-'))
let n = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

/**
 * Group commit: appends that arrive while a transaction is open join it, so concurrent writers
 * share one fsync. Appends here arrive one per turn of the event loop, as POSTs do whose bodies
 * finish arriving at different moments; a commit notification is sent once per transaction.
 */
describe('sqliteStorage group commit', () => {
  const open: Storage[] = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()))
  })
  const make = (groupCommitMs?: number) => {
    const storage = sqliteStorage(
      join(dir, `events-${n++}.db`),
      groupCommitMs === undefined ? {} : { groupCommitMs },
    )
    open.push(storage)
    const commits: Commit[] = []
    storage.subscribe((c) => commits.push(c))
    return { storage, commits }
  }
  const appendOne = (storage: Storage, i: number, fail = false) =>
    storage.append(async (tx) => {
      const head = await tx.head()
      await tx.insertEvents([
        stored(head + 1, { clientId: `c${i}`, clientSeq: 1, streamVersion: head + 1 }),
      ])
      await tx.saveClient({ clientId: `c${i}`, principalId: 'p', tenant: '', lastSeq: 1 })
      if (fail) throw new Error(`append ${i} fails after its writes`)
      return i
    })
  /** `count` appends, one per turn; `fails` lists the ones that throw after writing. */
  const arriving = async (storage: Storage, count: number, fails: number[] = []) => {
    const appends: Promise<number>[] = []
    for (let i = 0; i < count; i++) {
      appends.push(appendOne(storage, i, fails.includes(i)))
      await nextTurn()
    }
    return Promise.allSettled(appends)
  }

  it('commits appends that keep arriving, one per turn, as one transaction', async () => {
    const { storage, commits } = make(Number.POSITIVE_INFINITY)
    const results = await arriving(storage, 10)
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true)
    expect(commits).toEqual([{ head: 10, tenants: new Map([['', 10]]) }])
    expect((await storage.read({ after: 0, limit: 20 })).events).toHaveLength(10)
  })

  it('holds at most 100 appends in one transaction', async () => {
    const { storage, commits } = make(Number.POSITIVE_INFINITY)
    await arriving(storage, 150)
    expect(commits.map((c) => c.head)).toEqual([100, 150])
  })

  it('commits each pass at once with groupCommitMs 0', async () => {
    const { storage, commits } = make(0)
    await arriving(storage, 5)
    expect(commits.map((c) => c.head)).toEqual([1, 2, 3, 4, 5])
  })

  it.each([
    ['the first append', [0]],
    ['a middle append', [4]],
    ['the last append', [9]],
    ['the first two appends', [0, 1]],
    ['every other append', [0, 2, 4, 6, 8]],
  ])('rolls back %s of a group alone, and commits the rest', async (_, fails) => {
    const { storage, commits } = make(Number.POSITIVE_INFINITY)
    const results = await arriving(storage, 10, fails)
    expect(results.map((r) => r.status === 'rejected')).toEqual(
      Array.from({ length: 10 }, (_, i) => fails.includes(i)),
    )
    const kept = Array.from({ length: 10 }, (_, i) => i).filter((i) => !fails.includes(i))
    const { events, clients } = await storage.read({
      after: 0,
      limit: 20,
      tenant: '',
      clientIds: kept.concat(fails).map((i) => `c${i}`),
    })
    expect(events.map((e) => e.position)).toEqual(kept.map((_, k) => k + 1))
    expect(events.map((e) => e.clientId)).toEqual(kept.map((i) => `c${i}`))
    expect(clients.map((c) => c.clientId).sort()).toEqual(kept.map((i) => `c${i}`).sort())
    expect(commits).toEqual([{ head: kept.length, tenants: new Map([['', kept.length]]) }])
  })
})
