import type { CommandOf, Store } from '@strata/state'
import { createStoreHooks } from '@strata/state/react'
import type { Board, BoardEvent, boardCommands } from './board'

/** The board store's type, whether made by store.ts or by a test. */
export type BoardStore = Store<Board, CommandOf<typeof boardCommands>, BoardEvent>
export type BoardCommand = CommandOf<typeof boardCommands>

// Hooks typed for the board, reading the store of the nearest <StoreProvider>.
export const {
  useStoreState: useBoard,
  useDispatch,
  useHistory,
  useStore,
  useUndo,
} = createStoreHooks<BoardStore>()
