// @vitest-environment jsdom

import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { addCard, boardStore, renderBoard } from './render'
import { connectBoard, kanbanServer } from './server'

const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  cleanup()
  for (const close of closing.splice(0)) await close()
})

const event = (seq: number, type: string, payload: unknown) => ({
  clientSeq: seq,
  id: `e${seq}`,
  stream: 'board',
  type,
  payload,
  at: 1_700_000_000_000 + seq,
})

describe('the cards table on the server', () => {
  it('keeps cards by column and title through edits, moves, deletes and restores, and searches them', async () => {
    const server = kanbanServer(closing)
    const created = (seq: number, id: string, columnId: string, title: string) =>
      event(seq, 'card/created', { id, columnId, title, at: seq })
    const response = await server.fetch(
      new Request('http://kanban/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          protocol: 1,
          clientId: 'c',
          events: [
            created(1, 'a', 'todo', 'Write docs'),
            created(2, 'b', 'todo', '100% done'),
            created(3, 'c', 'doing', 'Fix docs build'),
            event(4, 'card/edited', { id: 'a', title: 'Write more docs', description: '', at: 4 }),
            event(5, 'card/moved', { id: 'b', to: 'done', index: 0 }),
            event(6, 'card/deleted', { id: 'c' }),
            event(7, 'card/restored', {
              id: 'c',
              card: {
                id: 'c',
                title: 'Fix docs build',
                description: '',
                createdAt: 3,
                updatedAt: 3,
              },
              columnId: 'doing',
              index: 0,
            }),
          ],
        }),
      }),
    )
    const { token } = (await response.json()) as { token: string }
    const read = async (query: string) =>
      (
        await server.fetch(
          new Request(`http://kanban/views/cards${query}`, {
            headers: { 'X-Min-Position': token },
          }),
        )
      ).json()
    expect(await read('')).toEqual({
      total: 3,
      columns: [
        { id: 'todo', title: 'To do', count: 1 },
        { id: 'doing', title: 'Doing', count: 1 },
        { id: 'done', title: 'Done', count: 1 },
      ],
    })
    const titles = async (query: string) =>
      ((await read(query)).matches as { title: string }[]).map((m) => m.title)
    expect(await titles('?q=DOCS')).toEqual(['Fix docs build', 'Write more docs'])
    expect(await titles('?q=docs&column=doing')).toEqual(['Fix docs build'])
    expect(await titles('?column=done')).toEqual(['100% done'])
    // % is a character to find, not a wildcard.
    expect(await titles('?q=%25')).toEqual(['100% done'])
  })

  it('a search on the server finds the card this page just added', async () => {
    const handler = kanbanServer(closing)
    const store = boardStore()
    const sync = connectBoard(store, handler, closing)
    renderBoard({ store, sync })
    await screen.findByText('All changes saved')
    fireEvent.click(screen.getByRole('button', { name: 'Search on the server' }))
    addCard('Doing', 'Alpha release')
    await act(async () => {
      fireEvent.change(screen.getByPlaceholderText('contains…'), { target: { value: 'alpha' } })
    })
    const results = screen.getByTestId('server-search')
    await waitFor(() => expect(within(results).getByText('Alpha release')).toBeTruthy())
    expect(results.textContent).toContain('(doing)')
  })
})
