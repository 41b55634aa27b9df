/**
 * The benchmark workload: a 1,000-card kanban board, a seeded event generator that keeps it near
 * 1,000 cards, and two reducers that do the same thing (a spread one that returns new state, and
 * an immer one that mutates the draft).
 */

export interface Card {
  id: string
  title: string
  description: string
  tags: string[]
  assignee: string | null
  estimate: number
}

export interface Column {
  id: string
  title: string
  cards: Card[]
}

export interface Board {
  columns: Column[]
}

export type CardChanges = Partial<Omit<Card, 'id'>>

export type BoardEvent =
  | { type: 'card/added'; payload: { columnId: string; card: Card } }
  | { type: 'card/moved'; payload: { cardId: string; toColumnId: string; toIndex: number } }
  | { type: 'card/edited'; payload: { cardId: string; changes: CardChanges } }
  | { type: 'card/deleted'; payload: { cardId: string } }

export const BOARD_SIZE = 1000
const COLUMNS = ['backlog', 'todo', 'doing', 'review', 'done']
const PEOPLE = ['ana', 'ben', 'chen', 'dina', 'eli', 'farah', 'gus', 'hana']
const TAGS = ['bug', 'feature', 'ux', 'api', 'perf', 'docs', 'infra', 'security', 'mobile', 'web']
const ESTIMATES = [1, 2, 3, 5, 8, 13]
const WORDS = (
  'the a board card user sync drag drop list filter sort search login page modal button ' +
  'error cache token server client query render update delete create move edit column ' +
  'release deploy review test flaky slow fast layout theme dark mode export import share'
).split(' ')

/** mulberry32: a small, fast, seeded PRNG, so every run sees the same events. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!
}

function words(rand: () => number, min: number, max: number): string {
  const n = min + Math.floor(rand() * (max - min + 1))
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push(pick(rand, WORDS))
  return out.join(' ')
}

function tags(rand: () => number): string[] {
  const n = Math.floor(rand() * 4)
  const out = new Set<string>()
  while (out.size < n) out.add(pick(rand, TAGS))
  return [...out]
}

function newCard(rand: () => number, id: string): Card {
  return {
    id,
    title: words(rand, 3, 6),
    description: words(rand, 12, 30),
    tags: tags(rand),
    assignee: rand() < 0.2 ? null : pick(rand, PEOPLE),
    estimate: pick(rand, ESTIMATES),
  }
}

/** A deterministic board and event stream: `events(n)` continues from where it stopped. */
export function workload(seed = 42) {
  const rand = prng(seed)
  let nextCard = 0
  const live: string[] = []
  const where = new Map<string, number>()
  const cards = new Map<string, Card>()
  const deleted: Card[] = []
  const columns: Column[] = COLUMNS.map((id) => ({ id, title: id.toUpperCase(), cards: [] }))
  for (let i = 0; i < BOARD_SIZE; i++) {
    const col = i % COLUMNS.length
    const card = newCard(rand, `c${nextCard++}`)
    columns[col]!.cards.push(card)
    live.push(card.id)
    where.set(card.id, col)
    cards.set(card.id, card)
  }
  const initialState: Board = { columns }

  const removeLive = (k: number): string => {
    const id = live[k]!
    live[k] = live[live.length - 1]!
    live.pop()
    where.delete(id)
    return id
  }

  function next(): BoardEvent {
    const r = rand()
    const k = Math.floor(rand() * live.length)
    const cardId = live[k]!
    if (r < 0.4) {
      const from = where.get(cardId)!
      const to = (from + 1 + Math.floor(rand() * (COLUMNS.length - 1))) % COLUMNS.length
      where.set(cardId, to)
      const toIndex = Math.floor(rand() * (live.length / COLUMNS.length + 20))
      return { type: 'card/moved', payload: { cardId, toColumnId: COLUMNS[to]!, toIndex } }
    }
    if (r < 0.7) {
      const changes: CardChanges = {}
      const f = rand()
      if (f < 0.35) changes.title = words(rand, 3, 6)
      else if (f < 0.55) changes.description = words(rand, 12, 30)
      else if (f < 0.7) changes.tags = tags(rand)
      else if (f < 0.85) changes.assignee = rand() < 0.2 ? null : pick(rand, PEOPLE)
      else changes.estimate = pick(rand, ESTIMATES)
      cards.set(cardId, { ...cards.get(cardId)!, ...changes })
      return { type: 'card/edited', payload: { cardId, changes } }
    }
    // Add or delete, drifting back towards BOARD_SIZE cards.
    const addChance = 0.5 + (BOARD_SIZE - live.length) / 40
    if (rand() < addChance) {
      const col = Math.floor(rand() * COLUMNS.length)
      // Half of the additions re-add a deleted card, with its id and content.
      const card =
        deleted.length > 0 && rand() < 0.5
          ? deleted.splice(Math.floor(rand() * deleted.length), 1)[0]!
          : newCard(rand, `c${nextCard++}`)
      live.push(card.id)
      where.set(card.id, col)
      cards.set(card.id, card)
      return { type: 'card/added', payload: { columnId: COLUMNS[col]!, card } }
    }
    removeLive(k)
    deleted.push(cards.get(cardId)!)
    cards.delete(cardId)
    if (deleted.length > 200) deleted.shift()
    return { type: 'card/deleted', payload: { cardId } }
  }

  return {
    initialState,
    events(n: number): BoardEvent[] {
      const out = new Array<BoardEvent>(n)
      for (let i = 0; i < n; i++) out[i] = next()
      return out
    },
  }
}

function locate(board: Board, cardId: string): [number, number] {
  const { columns } = board
  for (let c = 0; c < columns.length; c++) {
    const k = columns[c]!.cards.findIndex((card) => card.id === cardId)
    if (k >= 0) return [c, k]
  }
  throw new Error(`no card ${cardId}`)
}

function columnIndex(board: Board, columnId: string): number {
  return board.columns.findIndex((col) => col.id === columnId)
}

/** Replaces the cards of some columns, copying only what changed. */
function withCards(board: Board, changes: Map<number, Card[]>): Board {
  return {
    ...board,
    columns: board.columns.map((col, i) => {
      const cards = changes.get(i)
      return cards ? { ...col, cards } : col
    }),
  }
}

/** Returns the next board, never mutating the one it gets (a plain Redux reducer). */
export function spreadReducer(board: Board, event: BoardEvent): Board {
  switch (event.type) {
    case 'card/added': {
      const c = columnIndex(board, event.payload.columnId)
      return withCards(board, new Map([[c, [...board.columns[c]!.cards, event.payload.card]]]))
    }
    case 'card/moved': {
      const [from, k] = locate(board, event.payload.cardId)
      const to = columnIndex(board, event.payload.toColumnId)
      const card = board.columns[from]!.cards[k]!
      const source = board.columns[from]!.cards.filter((_, i) => i !== k)
      const target = from === to ? source : [...board.columns[to]!.cards]
      target.splice(Math.min(event.payload.toIndex, target.length), 0, card)
      return withCards(
        board,
        new Map([
          [from, source],
          [to, target],
        ]),
      )
    }
    case 'card/edited': {
      const [c, k] = locate(board, event.payload.cardId)
      const cards = board.columns[c]!.cards.map((card, i) =>
        i === k ? { ...card, ...event.payload.changes } : card,
      )
      return withCards(board, new Map([[c, cards]]))
    }
    case 'card/deleted': {
      const [c, k] = locate(board, event.payload.cardId)
      return withCards(board, new Map([[c, board.columns[c]!.cards.filter((_, i) => i !== k)]]))
    }
    default:
      return board
  }
}

/** The same reducer written for immer: it mutates the draft. */
export function immerReducer(draft: Board, event: BoardEvent): void {
  switch (event.type) {
    case 'card/added': {
      draft.columns[columnIndex(draft, event.payload.columnId)]!.cards.push(event.payload.card)
      return
    }
    case 'card/moved': {
      const [from, k] = locate(draft, event.payload.cardId)
      const [card] = draft.columns[from]!.cards.splice(k, 1)
      const target = draft.columns[columnIndex(draft, event.payload.toColumnId)]!.cards
      target.splice(Math.min(event.payload.toIndex, target.length), 0, card!)
      return
    }
    case 'card/edited': {
      const [c, k] = locate(draft, event.payload.cardId)
      Object.assign(draft.columns[c]!.cards[k]!, event.payload.changes)
      return
    }
    case 'card/deleted': {
      const [c, k] = locate(draft, event.payload.cardId)
      draft.columns[c]!.cards.splice(k, 1)
      return
    }
  }
}
