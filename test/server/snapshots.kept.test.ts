// States kept for paging back (GET /snapshots/<name>?before=) are served from their answers' text
// once read (src/server/snapshotCache.ts), over real HTTP on memory, SQLite and PostgreSQL: never
// a forgotten subject's field (a forget in this server or in another on the store), never
// another version's state, never to a reader who may not read a stream folded into it.
import type { SnapshotConfig, Storage } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { restricted as authorize } from '../support/principals'
import { type AttackStore, as, attackStores, forget, start } from './attack'
import { boardSnapshot, NAMES, personal } from './erasureFixtures'
import { batch, events } from './helpers'

/** The store, counting the kept states it loads (`snapshot:<name>#<position>`). */
function counting(storage: Storage) {
  const count = { loads: 0 }
  const wrapped: Storage = {
    ...storage,
    kind: storage.kind,
    loadCheckpoint: (...args) => {
      if (args[0].includes('#')) count.loads++
      return storage.loadCheckpoint(...args)
    },
    // One query for the greatest kept position <= a page's: a load of a kept state too.
    ...(storage.lastCheckpoint && {
      lastCheckpoint: (...args: Parameters<NonNullable<Storage['lastCheckpoint']>>) => {
        count.loads++
        return storage.lastCheckpoint!(...args)
      },
    }),
  }
  return { storage: wrapped, count }
}

const card = (seq: number, authorId: 'ada' | 'bob', stream = 'cards') =>
  events('c1', seq, 1, {
    type: 'card/added',
    stream,
    payload: { authorId, author: NAMES[authorId], title: `card ${seq}` },
  })

const board = { ...boardSnapshot, keepEvery: 2 }

/** Bob's cards 1-5, Ada's the 3rd, and the snapshot folded up to them (kept at 2 and 4). */
async function seeded(url: string) {
  const bob = as(url, 'bob@acme')
  const cards = [card(1, 'bob'), card(2, 'bob'), card(3, 'ada'), card(4, 'bob'), card(5, 'bob')]
  expect((await bob.post(batch('c1', cards.flat()))).status).toBe(200)
  expect((await bob.get('/snapshots/board')).body.position).toBe('v1:5')
  return bob
}

const PAGE = '/snapshots/board?before=v1:5&events=1'

describe.each(attackStores())('kept snapshot states on %s', (_name, _sql, make: AttackStore[2]) => {
  it('reads a kept state from the store once, then serves the same answer from its text', async () => {
    const probe = counting(await make())
    const { url } = await start({ storage: probe.storage, snapshots: [board], authorize })
    const bob = await seeded(url)
    probe.count.loads = 0
    const first = await bob.get(PAGE)
    expect([first.status, first.body.position, first.headers.get('x-position')]).toEqual([
      200,
      'v1:4',
      'v1:4',
    ])
    expect(first.body.state.json.cards).toHaveLength(4)
    expect(probe.count.loads).toBe(1)
    const again = await bob.get(PAGE)
    expect(again.body).toEqual(first.body)
    expect(again.headers.get('x-position')).toBe('v1:4')
    expect(probe.count.loads).toBe(1)
  })

  it.each([
    ['this server', false],
    ['another server on the store', true],
  ])(
    'serves no forgotten field after a forget by %s, though the state was served before',
    async (_how, other) => {
      const storage = await make()
      const { url } = await start({ storage, personal, snapshots: [board], authorize })
      const bob = await seeded(url)
      const before = await bob.get(PAGE)
      expect(JSON.stringify(before.body)).toContain(NAMES.ada)
      expect(JSON.stringify((await bob.get(PAGE)).body)).toContain(NAMES.ada)
      const forgetting = other
        ? (await start({ storage, personal, snapshots: [board], authorize })).url
        : url
      expect((await forget(forgetting, 'ada', 'root@acme')).status).toBe(200)
      // Every page back, from the one served before to the first, holds none of Ada's fields.
      for (const events of [0, 1, 2, 3, 9]) {
        const page = await bob.get(`/snapshots/board?before=v1:6&events=${events}`)
        expect(page.status).toBe(200)
        expect(JSON.stringify(page.body)).not.toContain(NAMES.ada)
      }
    },
  )

  it('serves each version its own kept state, whatever the other version served', async () => {
    const storage = await make()
    const loud: SnapshotConfig = {
      ...board,
      version: 2,
      reducer: (draft: any, event: any) => {
        board.reducer(draft, event)
        draft.cards.at(-1).title = draft.cards.at(-1).title.toUpperCase()
      },
    }
    const one = await start({ storage, snapshots: [board], authorize })
    const bob = await seeded(one.url)
    const v1 = await bob.get(PAGE)
    expect([v1.body.version, v1.body.state.json.cards[3].title]).toEqual(['1', 'card 4'])
    const two = as((await start({ storage, snapshots: [loud], authorize })).url, 'bob@acme')
    // Version 2 folds from the first event, keeping its own states at the same positions.
    expect((await two.get('/snapshots/board')).body).toMatchObject({
      version: '2',
      position: 'v1:5',
    })
    const v2 = await two.get(PAGE)
    expect([v2.body.version, v2.body.position]).toEqual(['2', 'v1:4'])
    expect(v2.body.state.json.cards[3].title).toBe('CARD 4')
    expect(await bob.get(PAGE).then((r) => r.body)).toEqual(v1.body)
    expect(await two.get(PAGE).then((r) => r.body)).toEqual(v2.body)
  })

  it('refuses a reader who may not read a stream folded into a state another reader was served', async () => {
    const { url } = await start({ storage: await make(), snapshots: [board], authorize })
    const bob = as(url, 'bob@acme')
    const cards = [card(1, 'bob'), card(2, 'bob', 'secret'), card(3, 'bob'), card(4, 'bob')]
    await bob.post(batch('c1', cards.flat()))
    expect((await bob.get('/snapshots/board')).body.position).toBe('v1:4')
    const page = '/snapshots/board?before=v1:4&events=1'
    const served = await bob.get(page)
    expect([served.status, served.body.position]).toEqual([200, 'v1:2'])
    expect(await bob.get(page).then((r) => r.body)).toEqual(served.body)
    const alice = as(url, 'alice@acme')
    for (let i = 0; i < 2; i++) {
      const refused = await alice.get(page)
      expect([refused.status, refused.headers.get('x-position')]).toEqual([403, null])
      expect(JSON.stringify(refused.body)).not.toMatch(/v1:|secret|card/)
    }
    // Bob's answer is still his.
    expect(await bob.get(page).then((r) => r.body)).toEqual(served.body)
  })
})
