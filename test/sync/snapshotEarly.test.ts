import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import {
  browser,
  eventReads,
  rawDatabase,
  request,
  seed,
  storedSnapshot,
  testServer,
} from './history.helpers'

/** The position kept in meta beside this device's snapshot (read before its state). */
async function keptAt(indexedDB: IDBFactory, value?: string): Promise<unknown> {
  const db = await rawDatabase(indexedDB)
  try {
    const meta = db.transaction('meta', 'readwrite').objectStore('meta')
    if (value !== undefined) await request(meta.put(value, 'at:'))
    return await request(meta.get('at:'))
  } finally {
    db.close()
  }
}

describe("this device's snapshot, its position read first", () => {
  it('is kept beside the snapshot, and the tail is asked after it', async () => {
    const server = testServer()
    await seed(server, 2500)
    const tab = browser(server)
    const first = tab()
    await first.sync.pull()
    await first.sync.close()
    expect(await keptAt(tab.indexedDB)).toBe((await storedSnapshot(tab.indexedDB)).position)
    expect(await keptAt(tab.indexedDB)).toBe('v1:2500')

    const reads = eventReads(server).length
    const second = tab()
    await second.sync.pull()
    expect(second.sync.getSnapshot().boot).toBe('local-snapshot')
    expect(eventReads(server).slice(reads)[0]!.path).toContain('after=v1%3A2500')
    expect(second.store.getState()).toEqual({ a: 2500 })
  })

  it('one that disagrees with the snapshot is not trusted: the tail is asked again after the snapshot', async () => {
    const server = testServer()
    await seed(server, 2500)
    const tab = browser(server)
    const first = tab()
    await first.sync.pull()
    await first.sync.close()
    await keptAt(tab.indexedDB, 'v1:2')
    await seed(server, 3, { from: 2501 })

    const reads = eventReads(server).length
    const second = tab()
    await second.sync.pull()
    expect(second.sync.getSnapshot().boot).toBe('local-snapshot')
    expect(
      eventReads(server)
        .slice(reads)
        .map((r) => r.path.match(/after=[^&]*/)?.[0]),
    ).toEqual(['after=v1%3A2', 'after=v1%3A2500'])
    expect(second.store.getState()).toEqual({ a: 2503 })
    expect(second.store.logs.events.map((e) => e.position)).toEqual([
      'v1:2501',
      'v1:2502',
      'v1:2503',
    ])
  })
})
