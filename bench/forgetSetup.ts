/**
 * The forget benchmark's world: a SQLite file of N events seeded once through the handler
 * (`POST /events`, so personal fields are sealed as an app's are) and cached under /tmp, with a
 * JSON projection and a server snapshot already caught up; each run works on a copy of it. The
 * same derived states are served with their `forget` hooks (`hooks`) or without (folded again).
 *
 * One event in ten is `card/added` with its author's name marked personal, under 1,000 authors;
 * the rest are `card/moved`. Two subjects matter: `early`, whose first card is event 1 (a refold
 * "from the subject's first event" is then a refold of everything), and `late`, whose only
 * cards come in the last 1% of the history.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
} from 'node:fs'
import { join } from 'node:path'
import {
  createEventServer,
  type EventServer,
  type EventServerOptions,
  isErased,
  type PersonalData,
  type Projection,
  type SnapshotConfig,
  type Storage,
  sqliteStorage,
} from '@strata/state/server'

export const CACHE = '/tmp/strata-bench-forget'
const BATCH = 1000
/** Bump when the seeded content changes: old cached files are then not reused. */
const SEED_VERSION = 3

export const personal: PersonalData = {
  'card/added': { subject: (p) => p.authorId, fields: ['author'] },
}

const shown = (v: unknown) => (isErased(v) ? '(erased)' : String(v))

type ByAuthor = Record<string, { name: string; cards: number }>

/** Each author's name and cards, by id: a small read model that holds the personal field. */
export const byAuthor: Projection<ByAuthor> = {
  name: 'by-author',
  mode: 'inline',
  initialState: {},
  types: ['card/added'],
  apply: (state, event: any) => {
    const { authorId, author } = event.payload
    return {
      ...state,
      [authorId]: { name: shown(author), cards: (state[authorId]?.cards ?? 0) + 1 },
    }
  },
}

/** The same with its scrub hook: the forgotten author's name becomes what a refold gives. */
export const byAuthorHooked: Projection<ByAuthor> = {
  ...byAuthor,
  forget: (draft, { subject }) => {
    const entry = draft[subject]
    if (entry) entry.name = '(erased)'
  },
}

const BOARD = { authors: {}, cards: 0, moves: 0 }

/**
 * The app's board: each author's name by id, and counts. Mutates in place (immer: false: the
 * server keeps it to itself), after a copy of the initial state, which a refold starts from.
 */
export const board: SnapshotConfig = {
  name: 'board',
  version: 1,
  immer: false,
  initialState: BOARD,
  reducer: (state: any, event: any) => {
    if (state === BOARD) state = structuredClone(BOARD)
    if (event.type === 'card/added') {
      state.authors[event.payload.authorId] = shown(event.payload.author)
      state.cards++
    } else state.moves++
    return state
  },
}

/** The board with its scrub hook (`immer: false`: on the state itself). */
export const boardHooked: SnapshotConfig = {
  ...board,
  forget: (state, { subject }) => {
    if (state.authors[subject] !== undefined) state.authors[subject] = '(erased)'
  },
}

export const admin = () => ({ id: 'admin', admin: true })

/** `none`: no derived state; `refold`: a projection and a snapshot; `hooks`: the same with hooks. */
export type Derived = 'none' | 'refold' | 'hooks'

export function serverOn(storage: Storage, derived: Derived): EventServer {
  const options: EventServerOptions = { storage, personal, authorize: admin, onError: () => {} }
  if (derived === 'hooks') {
    options.projections = [byAuthorHooked]
    options.snapshots = [boardHooked]
  } else if (derived === 'refold') {
    options.projections = [byAuthor]
    options.snapshots = [board]
  }
  return createEventServer(options)
}

function author(position: number, n: number): string {
  if (position === 1 || position % 100_003 === 0) return 'early'
  if (position > n - n / 100 && position % 97 === 0) return 'late'
  return `author-${position % 1000}`
}

export function seedBody(clientId: string, from: number, count: number, n: number): string {
  const events = Array.from({ length: count }, (_, k) => {
    const seq = from + k
    const added = seq === 1 || seq % 10 === 0 || author(seq, n) === 'late'
    return {
      clientSeq: seq,
      id: `${clientId}-${seq}`,
      stream: `cards-${seq % 16}`,
      at: 1_700_000_000_000 + seq,
      ...(added
        ? {
            type: 'card/added',
            payload: {
              authorId: author(seq, n),
              author: `Name of ${author(seq, n)}`,
              title: `#${seq}`,
            },
          }
        : { type: 'card/moved', payload: { card: `#${seq - (seq % 10)}`, to: seq % 5 } }),
    }
  })
  return JSON.stringify({ protocol: 1, clientId, events })
}

export async function post(server: EventServer, body: string): Promise<void> {
  const response = await server.fetch(
    new Request('http://bench/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }),
  )
  if (response.status !== 200)
    throw new Error(`append: ${response.status} ${await response.text()}`)
  await response.arrayBuffer()
}

/** Waits until the server's board snapshot has folded up to `head`. */
export async function snapshotAt(server: EventServer, head: number): Promise<void> {
  for (;;) {
    const response = await server.fetch(new Request('http://bench/snapshots/board'))
    if (response.status === 200) {
      const body = (await response.json()) as { position: string }
      if (body.position === `v1:${head}`) return
    } else await response.body?.cancel()
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** A fresh copy of the cached store of `n` events (seeded first if there is none). */
export async function storeOf(n: number, copy: string): Promise<string> {
  mkdirSync(CACHE, { recursive: true })
  const cached = join(CACHE, `seed-v${SEED_VERSION}-${n}.db`)
  if (!existsSync(cached)) {
    const started = performance.now()
    const building = `${cached}.building`
    rmSync(building, { force: true })
    const storage = sqliteStorage(building, { synchronous: 'NORMAL' })
    const server = serverOn(storage, 'refold')
    for (let from = 1; from <= n; from += BATCH) {
      await post(server, seedBody('seeder', from, Math.min(BATCH, n - from + 1), n))
    }
    await snapshotAt(server, n)
    await server.close()
    await storage.close()
    renameSync(building, cached)
    console.log(
      `  (seeded ${n.toLocaleString('en')} events in ${((performance.now() - started) / 1000).toFixed(0)} s: ${cached})`,
    )
  }
  rmSync(copy, { force: true })
  rmSync(`${copy}-wal`, { force: true })
  rmSync(`${copy}-shm`, { force: true })
  copyFileSync(cached, copy)
  // On disk before the run: else the forget's WAL checkpoint (an fsync of the file) writes out
  // the whole fresh copy, a cost of the copy's size that looked like one of the history's.
  const fd = openSync(copy, 'r+')
  fsyncSync(fd)
  closeSync(fd)
  return copy
}
