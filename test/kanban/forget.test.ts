import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStore } from '@strata/state'
import { produce } from 'immer'
import { afterEach, describe, expect, it } from 'vitest'
import { startKanbanServer } from '../../examples/kanban/server'
import {
  type Board,
  boardCommands,
  boardReducer,
  emptyBoard,
  forgetAuthor,
} from '../../examples/kanban/src/board'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('demo: a card author is personal, and "Forget me" erases the name', () => {
  it('over real HTTP with the demo token (an admin): the name reads (erased) afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-kanban-forget-'))
    dirs.push(dir)
    const token = 'forget-test-token-0123456789'
    const server = await startKanbanServer({ db: join(dir, 'events.db'), port: 0, token })
    try {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
      const store = createStore({
        initialState: emptyBoard,
        reducer: boardReducer,
        commands: boardCommands,
      })
      store.dispatch({
        type: 'createCard',
        payload: { title: 'Plan the launch', authorId: 'author-1', author: 'Grace Hopper' },
      })
      const [entry] = store.logs.events
      const post = await fetch(`${server.url}/api/events`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          protocol: 1,
          clientId: 'tab-1',
          events: [
            {
              clientSeq: 1,
              id: entry!.id,
              stream: 'card',
              type: entry!.type,
              payload: entry!.payload,
              at: 1,
            },
          ],
        }),
      })
      expect(post.status).toBe(200)
      const read = async () => {
        const response = await fetch(`${server.url}/api/events?after=v1:0`, { headers })
        return ((await response.json()) as { events: { type: string; payload: any }[] }).events
      }
      expect((await read())[0]!.payload.author).toBe('Grace Hopper')
      const forgot = await fetch(`${server.url}/api/subjects/author-1/forget`, {
        method: 'POST',
        headers,
      })
      expect(forgot.status).toBe(200)
      const after = await read()
      expect(after[0]!.payload.author).toEqual({ erased: true })
      const board = createStore({ initialState: emptyBoard, reducer: boardReducer })
      for (const e of after) board.dispatch({ type: e.type, payload: e.payload } as never)
      const state = board.getState() as Board
      expect(state.authors).toEqual({ 'author-1': '(erased)' })
      expect(Object.values(state.cards)[0]!.title).toBe('Plan the launch')
      // The server's snapshot was scrubbed by its hook to the same board.
      const snapshot = await fetch(`${server.url}/api/snapshots/board`, { headers })
      const served = (await snapshot.json()) as { state: { json: Board } }
      expect(served.state.json.authors).toEqual({ 'author-1': '(erased)' })
      expect(JSON.stringify(served)).not.toContain('Grace Hopper')
    } finally {
      await server.close()
    }
  })

  it('forgetAuthor makes of a board what folding its events again with the name erased does', () => {
    const events = [
      { id: 'a', title: 'One', authorId: 'grace', author: 'Grace Hopper' },
      { id: 'b', title: 'Two', authorId: 'ada', author: 'Ada Lovelace' },
      { id: 'c', title: 'Three', authorId: 'grace', author: 'Grace Hopper' },
    ].map(({ id, title, authorId, author }) => ({
      type: 'card/created' as const,
      payload: { id, columnId: 'todo' as const, title, at: 1, authorId, author },
    }))
    const fold = (list: typeof events) =>
      list.reduce((b, e) => produce(b, (d) => boardReducer(d, e)), emptyBoard)
    const erased = events.map((e) =>
      e.payload.authorId === 'grace'
        ? { ...e, payload: { ...e.payload, author: { erased: true } as never } }
        : e,
    )
    expect(produce(fold(events), (d) => forgetAuthor(d, 'grace'))).toEqual(fold(erased))
    expect(produce(fold(events), (d) => forgetAuthor(d, 'nobody'))).toEqual(fold(events))
  })
})
