import { createStore } from '@strata/state'
import type { Sync } from '@strata/state/sync'
import { QueryClient } from '@tanstack/react-query'
import { fireEvent, render, screen, within } from '@testing-library/react'
import { boardCommands, boardReducer, emptyBoard } from '../../examples/kanban/src/board'
import { Root } from '../../examples/kanban/src/components/Root'
import type { BoardStore } from '../../examples/kanban/src/hooks'
import { boardInverses } from '../../examples/kanban/src/inverses'

/** The demo's store as store.ts makes it (without hot reload). */
export function boardStore(): BoardStore {
  return createStore({
    initialState: emptyBoard,
    reducer: boardReducer,
    commands: boardCommands,
    inverses: boardInverses,
  })
}

/** The whole app around a fresh store, as main.tsx renders it. */
export function renderBoard(options: { store?: BoardStore; sync?: Sync } = {}) {
  const store = options.store ?? boardStore()
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  const view = render(<Root store={store} sync={options.sync} queryClient={queryClient} />)
  return { store, queryClient, ...view }
}

export const column = (name: string) => screen.getByRole('region', { name })

/** Card titles in a column, top to bottom. */
export function titles(name: string): string[] {
  return within(column(name))
    .queryAllByRole('article')
    .map((card) => within(card).getByRole('heading').textContent ?? '')
}

export function addCard(columnName: string, title: string) {
  const input = within(column(columnName)).getByLabelText(`New card in ${columnName}`)
  fireEvent.change(input, { target: { value: title } })
  fireEvent.click(
    within(column(columnName)).getByRole('button', { name: `Add card to ${columnName}` }),
  )
}

export const card = (title: string) => screen.getByRole('article', { name: title })
