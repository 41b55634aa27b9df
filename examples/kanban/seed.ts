// `npm start -- --seed 100000`: a board with a long history, to feel what a page pays for it
// (nothing that grows with it: the window starts from a snapshot). The events are written
// straight into the SQLite store, a transaction per 5,000, as a person's edits over months
// would have been: cards created, renamed, moved and deleted, a stream per card.
import { sqliteStorage } from '@strata/state/server'
import type { BoardEvent, ColumnId } from './src/board'
import { boardStreamOf } from './src/streams'

const BATCH = 5000
const CARDS = 60
const COLUMNS: ColumnId[] = ['todo', 'doing', 'done']
const WORDS = (
  'fix add drop sync login page board card list filter sort search button modal error cache ' +
  'token server client query render update review release deploy test slow theme export share'
).split(' ')

/** mulberry32: the same history on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Events that keep about `CARDS` cards on the board, each valid for the reducer. */
function history(seed = 7) {
  const rand = prng(seed)
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!
  const title = () =>
    Array.from({ length: 2 + Math.floor(rand() * 4) }, () => pick(WORDS)).join(' ')
  const live: string[] = []
  let next = 0
  return (at: number): BoardEvent => {
    const r = rand()
    if (live.length < 20 || (r < 0.25 && live.length < CARDS * 1.2)) {
      const id = `seed-${next++}`
      live.push(id)
      return { type: 'card/created', payload: { id, columnId: pick(COLUMNS), title: title(), at } }
    }
    const k = Math.floor(rand() * live.length)
    const id = live[k]!
    if (r < 0.3 && live.length > CARDS) {
      live[k] = live[live.length - 1]!
      live.pop()
      return { type: 'card/deleted', payload: { id } }
    }
    if (r < 0.65) {
      const description = rand() < 0.5 ? '' : title()
      return { type: 'card/edited', payload: { id, title: title(), description, at } }
    }
    return {
      type: 'card/moved',
      payload: { id, to: pick(COLUMNS), index: Math.floor(rand() * 40) },
    }
  }
}

/**
 * Writes `count` events into an empty store at `db`; returns how many it wrote (0 when the store
 * has events already: a board seeded before, or one with its own history).
 */
export async function seedBoard(db: string, count: number): Promise<number> {
  const storage = sqliteStorage(db, { synchronous: 'NORMAL' })
  try {
    if ((await storage.head('')) > 0) return 0
    const make = history()
    const versions = new Map<string, number>()
    const start = Date.now() - count * 60_000
    for (let done = 0; done < count; done += BATCH) {
      const n = Math.min(BATCH, count - done)
      const events = Array.from({ length: n }, (_, i) => {
        const p = done + i + 1
        const at = start + p * 60_000
        const event = make(at)
        const stream = boardStreamOf(event)
        const version = (versions.get(stream) ?? 0) + 1
        versions.set(stream, version)
        return {
          position: p,
          tenantPosition: p,
          tenant: '',
          clientId: 'seed',
          clientSeq: p,
          id: `seed-event-${p}`,
          stream,
          streamVersion: version,
          type: event.type,
          payload: event.payload as never,
          at,
          commandId: null,
          fingerprint: '',
        }
      })
      await storage.append(async (tx) => {
        await tx.insertEvents(events)
        await tx.saveClient({
          clientId: 'seed',
          principalId: 'seed',
          tenant: '',
          lastSeq: done + n,
        })
      })
    }
    return count
  } finally {
    await storage.close()
  }
}
