import { createStoreHooks, hotStore } from '@strata/state/react'
import { commands } from './commands'
import { initialState, reducer } from './reducer'

// Vite re-runs this module when it, reducer.ts or commands.ts is edited; hotStore keeps the
// store and swaps in the new reducer or commands, so the state is recomputed, not lost.
export const store = hotStore(import.meta.hot)({ initialState, reducer, commands })

// Must be literal: Vite reads it from the source to make this module the update boundary.
import.meta.hot?.accept()

export const { useStoreState, useDispatch, useHistory } = createStoreHooks<typeof store>()
