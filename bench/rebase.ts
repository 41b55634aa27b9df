/**
 * What a synced client pays when other writers' events arrive under its pending commands, and
 * when its own events come back from the server:
 *
 *   npm run bench:rebase [-- --repeats 9]
 *
 * - rebase: 100 pending commands (edits of the 1,000-card board) under which 1,000 remote
 *   events arrive (`replicaOf(store).pull`), against a bare fold of the same 1,100 events from
 *   the same state. Goal: within 2x.
 * - own echo: the same 100 commands' events pulled back from the server with their positions.
 *   Goal: no fold at all (folds are counted and printed, and the state object is unchanged).
 *
 * Median of the repeats, each on a fresh store; the folds and handler calls are counted by
 * wrapping the reducer and the handler, so the ratios are read beside what was actually done.
 */
import { parseArgs } from 'node:util'
import { createStore } from '@strata/state'
import { replicaOf } from '@strata/state/sync'
import { type Board, type BoardEvent, immerReducer, spreadReducer, workload } from './board'
import { fold, type Kind } from './contestants'
import { fmtMs, fmtRatio, measure, median, printTable, progress, type Timing } from './util'

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '9' } } })
const REPEATS = Number(values.repeats)
const REMOTE = 1000
const PENDING = 100

type Edit = Extract<BoardEvent, { type: 'card/edited' }>['payload']

/** The remote events, and edits of cards that exist before and after them (never deleted). */
function fixture() {
  const { initialState, events } = workload(7)
  const remote = events(REMOTE)
  const deleted = new Set(
    remote.flatMap((e) => (e.type === 'card/deleted' ? [e.payload.cardId] : [])),
  )
  const kept = initialState.columns
    .flatMap((c) => c.cards.map((card) => card.id))
    .filter((id) => !deleted.has(id))
  const edits: Edit[] = kept
    .slice(0, PENDING)
    .map((cardId, i) => ({ cardId, changes: { estimate: (i % 13) + 1 } }))
  return { initialState, remote, edits }
}

const has = (board: Board, id: string) =>
  board.columns.some((c) => c.cards.some((k) => k.id === id))

/** A store whose reducer and one handler count their calls. */
function counted(kind: Kind, initialState: Board) {
  const calls = { folds: 0, handlers: 0 }
  const commands = {
    edit(board: Board, p: Edit) {
      calls.handlers++
      if (!has(board, p.cardId)) throw new Error(`No card ${p.cardId}`)
      return { type: 'card/edited' as const, payload: p }
    },
  }
  const store =
    kind === 'spread'
      ? createStore({
          initialState,
          immer: false,
          commands,
          reducer: (board: Board, e: BoardEvent) => {
            calls.folds++
            return spreadReducer(board, e)
          },
        })
      : createStore({
          initialState,
          commands,
          reducer: (draft: Board, e: BoardEvent) => {
            calls.folds++
            immerReducer(draft, e)
          },
        })
  const reset = () => {
    calls.folds = 0
    calls.handlers = 0
  }
  return { store, calls, reset }
}

const pulled = (events: readonly BoardEvent[], ids: readonly string[] | undefined, from: number) =>
  events.map((event, i) => ({
    id: ids?.[i] ?? `remote-${from + i}`,
    event,
    at: 1,
    position: `v1:${from + i}`,
  }))

interface Run {
  time: Timing
  folds: number
  handlers: number
  unchanged?: boolean
}

function summary(runs: Run[]) {
  return {
    ms: median(runs.map((r) => r.time.ms)),
    cpu: median(runs.map((r) => r.time.cpu)),
    folds: runs[0]!.folds,
    handlers: runs[0]!.handlers,
    unchanged: runs.every((r) => r.unchanged !== false),
  }
}

export function rebaseBench(kind: Kind): void {
  const { initialState, remote, edits } = fixture()
  const localEvents: BoardEvent[] = edits.map((payload) => ({ type: 'card/edited', payload }))
  const all = [...remote, ...localEvents]

  progress(`rebase ${kind}: bare fold of ${all.length} events`)
  const floor = Array.from({ length: REPEATS }, () => measure(() => fold(kind, initialState, all)))

  progress(`rebase ${kind}: ${PENDING} pending under ${REMOTE} remote`)
  const rebases: Run[] = []
  for (let r = 0; r < REPEATS; r++) {
    const { store, calls, reset } = counted(kind, initialState)
    for (const payload of edits) store.dispatch({ type: 'edit', payload })
    const events = pulled(remote, undefined, 1)
    reset()
    const time = measure(() => replicaOf(store).pull(events))
    if (store.logs.events.some((e) => e.error !== undefined)) throw new Error('a reducer threw')
    rebases.push({ time, ...calls })
  }

  progress(`rebase ${kind}: ${PENDING} own echoes`)
  const echoes: Run[] = []
  for (let r = 0; r < REPEATS; r++) {
    const { store, calls, reset } = counted(kind, initialState)
    const replica = replicaOf(store)
    replica.pull(pulled(remote, undefined, 1))
    for (const payload of edits) store.dispatch({ type: 'edit', payload })
    const mine = store.logs.events.slice(REMOTE)
    const back = pulled(
      mine.map((e) => e.event),
      mine.map((e) => e.id),
      REMOTE + 1,
    )
    const before = store.getState()
    reset()
    const time = measure(() => replica.pull(back))
    echoes.push({ time, ...calls, unchanged: store.getState() === before })
  }

  const base = { ms: median(floor.map((t) => t.ms)), cpu: median(floor.map((t) => t.cpu)) }
  const rebase = summary(rebases)
  const echo = summary(echoes)
  const row = (what: string, s: typeof rebase | typeof base, target = '') => ({
    what,
    folds: 'folds' in s ? String(s.folds) : String(all.length),
    handlers: 'handlers' in s ? String(s.handlers) : '0',
    median: fmtMs(s.ms),
    ratio: fmtRatio(s.ms / base.ms),
    'cpu ratio': fmtRatio(s.cpu / base.cpu),
    target,
  })
  printTable(
    `rebase and own echoes, ${kind} reducer, 1,000-card board (median of ${REPEATS})`,
    ['what', 'folds', 'handlers', 'median', 'ratio', 'cpu ratio', 'target'],
    [
      { cells: row(`bare fold of ${all.length} events (floor)`, base) },
      {
        cells: row(`rebase: ${PENDING} pending under ${REMOTE} remote`, rebase, '<= 2x'),
        pass: rebase.ms / base.ms <= 2,
      },
      {
        cells: row(`own echo of ${PENDING} events`, echo, '0 folds, same state'),
        pass: echo.folds === 0 && echo.unchanged,
      },
    ],
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const kind of ['spread', 'immer'] as const) rebaseBench(kind)
}
