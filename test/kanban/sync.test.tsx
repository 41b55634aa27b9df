// @vitest-environment jsdom

import type { CommandContext } from '@strata/state'
import { act, cleanup, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { type Board, boardCommands } from '../../examples/kanban/src/board'
import type { BoardStore } from '../../examples/kanban/src/hooks'
import { addCard, boardStore, column, renderBoard, titles } from './render'
import { connectBoard, kanbanServer } from './server'

// The app wired to the real server handler in memory: the sync status, the read model fetched
// with the read-your-writes token, and a second client's changes arriving.
const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  cleanup()
  for (const close of closing.splice(0)) await close()
})

const server = () => kanbanServer(closing)
const connect = (store: BoardStore, handler: ReturnType<typeof server>) =>
  connectBoard(store, handler, closing)

describe('the board synced to the event server', () => {
  it('saves, shows the saved status, and reads the server’s stats with its token', async () => {
    const handler = server()
    const store = boardStore()
    const sync = connect(store, handler)
    renderBoard({ store, sync })
    await screen.findByText('All changes saved')

    addCard('To do', 'One')
    addCard('Doing', 'Two')
    await screen.findByText('All changes saved')
    const stats = screen.getByTestId('server-stats')
    await waitFor(() => expect(within(stats).getByText('Total').nextSibling?.textContent).toBe('2'))
    expect(within(stats).getByText('Doing').nextSibling?.textContent).toBe('1')
    expect(screen.getByTestId('sync').dataset.position).toBe(sync.position)
    expect(within(stats).getByText(`at position ${sync.position}`)).toBeTruthy()
  })

  it('shows events the server refused, their effects undone', async () => {
    const handler = server()
    const store = boardStore()
    // A client whose handler lost its title check; the server's schema still has it.
    store.hot.replaceCommands({
      ...boardCommands,
      createCard: (_board: Board, p: { title: string }, ctx: CommandContext) => ({
        type: 'card/created',
        payload: { id: ctx.uuid(), columnId: 'todo', title: p.title, at: ctx.now() },
      }),
    })
    const sync = connect(store, handler)
    renderBoard({ store, sync })
    sync.pause()
    addCard('To do', 'Fine')
    addCard('To do', 'x'.repeat(130))
    expect(titles('To do')).toEqual(['Fine', 'x'.repeat(130)])

    sync.resume()
    await screen.findByText('1 refused by the server')
    await screen.findByText('All changes saved')
    expect(titles('To do')).toEqual(['Fine'])
    const refused = store.logs.events.find((e) => e.rejected !== undefined)
    expect(refused?.rejected).toMatchObject({ code: 'invalid', path: ['payload', 'title'] })
  })

  it('shows another client’s changes', async () => {
    const handler = server()
    const mine = boardStore()
    renderBoard({ store: mine, sync: connect(mine, handler) })
    const theirs = boardStore()
    const other = connect(theirs, handler)

    theirs.dispatch({ type: 'createCard', payload: { title: 'From elsewhere', columnId: 'done' } })
    await act(() => other.flush())
    await waitFor(() => expect(titles('Done')).toEqual(['From elsewhere']), { timeout: 5000 })
    expect(within(column('Done')).getByTestId('column-count').textContent).toBe('1 cards')
  })
})
