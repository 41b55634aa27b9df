import { hotStore } from '@strata/state/react'
import { boardCommands, boardReducer, boardVersion, emptyBoard } from './board'
import { boardInverses } from './inverses'

// Vite re-runs this module when it or board.ts is edited; hotStore keeps the store and swaps in
// the new reducer or command handlers, so the board is recomputed from its logs, not lost.
export const store = hotStore(import.meta.hot)({
  initialState: emptyBoard,
  reducer: boardReducer,
  commands: boardCommands,
  // Undo and Redo change the board (and the server's), like any command; see inverses.ts.
  inverses: boardInverses,
  // Snapshots of the board (this device's, the server's) are used only by the same version.
  version: boardVersion,
})

// Must be literal: Vite reads it from the source to make this module the update boundary.
import.meta.hot?.accept()
