import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStore } from '@strata/state'
import { afterEach, describe, expect, it } from 'vitest'
import { startKanbanServer } from '../../examples/kanban/server'
import {
  type Board,
  boardCommands,
  boardReducer,
  emptyBoard,
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
    } finally {
      await server.close()
    }
  })
})
