import type { ProjectedEvent } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { boardEventSchema, boardProjection } from '../../examples/kanban/readModel'

let position = 0
const event = (type: string, payload: Record<string, unknown>) =>
  ({ type, payload, position: ++position }) as unknown as ProjectedEvent

function fold(events: ProjectedEvent[]) {
  return events.reduce((board, e) => boardProjection.apply(board, e), boardProjection.initialState)
}

describe('the board-stats projection', () => {
  it('folds events with boardReducer and answers card counts', () => {
    const board = fold([
      event('card/created', { id: 'a', columnId: 'todo', title: 'A', at: 1 }),
      event('card/created', { id: 'b', columnId: 'todo', title: 'B', at: 2 }),
      event('card/moved', { id: 'a', to: 'done', index: 0 }),
    ])
    expect(boardProjection.read!(board, {} as never)).toEqual({
      total: 2,
      columns: [
        { id: 'todo', title: 'To do', count: 1 },
        { id: 'doing', title: 'Doing', count: 0 },
        { id: 'done', title: 'Done', count: 1 },
      ],
    })
  })

  it('leaves the board as it was on an event the reducer refuses, as the browser does', () => {
    const before = fold([
      event('card/created', { id: 'a', columnId: 'todo', title: 'A', at: 1 }),
      event('card/deleted', { id: 'a' }),
    ])
    const after = boardProjection.apply(
      before,
      event('card/edited', { id: 'a', title: 'Late edit', description: '', at: 3 }),
    )
    expect(after).toBe(before)
  })
})

// Undo of a delete (inverses.ts): the card as it was, where it was.
const restored = (cardId: string) => ({
  id: 'a',
  card: { id: cardId, title: 'A', description: '', createdAt: 1, updatedAt: 1 },
  columnId: 'doing',
  index: 0,
})

describe('the event schema', () => {
  const check = (value: unknown) => boardEventSchema.safeParse(value).success

  it.each([
    [
      'a new card',
      { type: 'card/created', payload: { id: 'a', columnId: 'todo', title: 'A', at: 1 } },
    ],
    ['a move', { type: 'card/moved', payload: { id: 'a', to: 'done', index: 0 } }],
    ['a restored card', { type: 'card/restored', payload: restored('a') }],
  ])('accepts %s', (_, value) => expect(check({ stream: 'default', ...value })).toBe(true))

  it.each([
    ['an unknown type', { type: 'card/exploded', payload: { id: 'a' } }],
    [
      'an empty title',
      { type: 'card/created', payload: { id: 'a', columnId: 'todo', title: '', at: 1 } },
    ],
    ['an unknown column', { type: 'card/moved', payload: { id: 'a', to: 'later', index: 0 } }],
    ['a negative index', { type: 'card/moved', payload: { id: 'a', to: 'done', index: -1 } }],
    ['a card restored under another id', { type: 'card/restored', payload: restored('b') }],
  ])('refuses %s', (_, value) => expect(check({ stream: 'default', ...value })).toBe(false))
})
