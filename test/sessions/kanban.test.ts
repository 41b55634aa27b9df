import { readFileSync } from 'node:fs'
import { loadSession, replaySession, type ToReplayConfig } from '@strata/state/testing'
import { replaySessions } from '@strata/state/testing/vitest'
import { describe, expect, it } from 'vitest'
import {
  type Board,
  type BoardEvent,
  boardCommands,
  boardReducer,
} from '../../examples/kanban/src/board'

// A session recorded in Chromium on the kanban example and exported with the devtools panel's
// Export button (see record-kanban-browser.ts, which wrote it). Committed data: the tests only
// read it, and replay it through the example's own reducer and command handlers.
const file = 'test/sessions/kanban-browser.session.json'
const today: ToReplayConfig<Board> = {
  reducer: boardReducer,
  commands: boardCommands,
  mode: 'commands',
}

replaySessions(file, today)

const session = loadSession<Board>(
  readFileSync(new URL('./kanban-browser.session.json', import.meta.url), 'utf8'),
)
const events = session.events.map((e) => e.event as BoardEvent)

/** Today's reducer with a bug: a moved card goes to the end of its column, whatever its index. */
function appendingReducer(board: Board, event: BoardEvent): void {
  if (event.type !== 'card/moved') {
    boardReducer(board, event)
    return
  }
  const column = board.columns.find((c) => c.id === event.payload.to)!
  const end = column.cardIds.filter((id) => id !== event.payload.id).length
  boardReducer(board, { ...event, payload: { ...event.payload, index: end } })
}

/** The message of a failing `expect`. */
function failure(run: () => void): string {
  try {
    run()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the assertion to fail')
}

describe('the kanban session recorded in the browser', () => {
  it('holds what was done in the UI, including the rejected command', () => {
    expect(session.meta.app).toBe('board')
    expect(session.commands.map((c) => c.command.type)).toEqual([
      ...Array(6).fill('createCard'),
      'moveCard',
      'moveCard',
      'moveCard',
      'editCard',
      'moveCard',
      'moveCard',
      'deleteCard',
    ])
    expect(events.map((e) => e.type)).toEqual([
      ...Array(5).fill('card/created'),
      'card/moved',
      'card/moved',
      'card/moved',
      'card/edited',
      'card/moved',
      'card/moved',
      'card/deleted',
    ])
    const rejected = session.commands.filter((c) => c.error !== undefined)
    expect(rejected).toHaveLength(1)
    expect(rejected[0]).toMatchObject({
      command: { type: 'createCard', payload: { title: '   ' } },
      eventIds: [],
      error: 'Error: A card needs a title.',
    })
    // Every event came from a command of this page and was stored by the server.
    expect(session.events.every((e) => e.commandId && e.position && e.hash)).toBe(true)
    expect(session.checkpoints.at(-1)!.index).toBe(session.events.length)
  })

  it('fails to replay with a reducer that moves cards to the wrong index, naming the first move', () => {
    const wrong = { ...today, reducer: appendingReducer }
    const first = events.findIndex((e) => e.type === 'card/moved')
    // The premise: the first move was a drop above a card, not at the end of its column.
    const move = events[first] as Extract<BoardEvent, { type: 'card/moved' }>
    expect(move.payload.index).toBe(0)

    expect(session).not.toReplay(wrong)

    const result = replaySession(session, wrong)
    expect(result.ok).toBe(false)
    expect(result.divergences).toHaveLength(1)
    const [divergence] = result.divergences
    expect(divergence).toMatchObject({
      kind: 'state',
      index: first,
      type: 'card/moved',
      eventId: session.events[first]!.id,
      exact: true,
      checkpoint: session.events.length,
    })
    // The move "up" within To do, later on, is what still differs at the end: its two cards
    // are swapped.
    const [todo] = (divergence!.expected as Board).columns
    expect(todo!.cardIds).toHaveLength(2)
    expect((divergence!.actual as Board).columns[0]!.cardIds).toEqual([...todo!.cardIds].reverse())
    expect(divergence!.diff).toContain('columns[0].cardIds[0]')

    const message = failure(() => expect(session).toReplay({ ...wrong, name: file }))
    expect(message).toContain(`Session "${file}"`)
    expect(message).toContain(
      `Event ${first} ("card/moved") is the first after which today's state differs from the recorded one`,
    )
    expect(message).toContain(`    columns[0].cardIds[0]\n      - "${todo!.cardIds[0]}"`)
  })
})
