import { restoreStore, type Session } from '@strata/state/inspect'
import type { Sync } from '@strata/state/sync'
import type { QueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { type Board, boardCommands, boardReducer } from '../board'
import type { BoardStore } from '../hooks'
import { Devtools } from './Devtools'
import { ImportedBanner } from './ImportedBanner'
import { Root } from './Root'

interface Props {
  store: BoardStore
  sync?: Sync | undefined
  queryClient: QueryClient
}

/**
 * The live, synced board, or a session imported in the devtools. An import never replaces the
 * synced store (its sync client would send the imported events as this window's): it opens a
 * local copy, not synced and labelled so, until the person goes back to the live board.
 */
export function Workspace({ store, sync, queryClient }: Props) {
  const [copy, setCopy] = useState<{ store: BoardStore; what: string; n: number }>()
  const open = (session: Session) =>
    setCopy((previous) => ({
      store: restoreStore<Board>(session, { reducer: boardReducer, commands: boardCommands }),
      what: `${session.events.length} events, recorded ${new Date(session.meta.recordedAt).toLocaleString()}`,
      n: (previous?.n ?? 0) + 1,
    }))
  const shown = copy?.store ?? store
  return (
    <>
      <Root
        // A new tree for each store: every hook reads the store it is given from the start.
        key={copy ? `copy ${copy.n}` : 'live'}
        store={shown}
        sync={copy ? undefined : sync}
        queryClient={queryClient}
        notice={copy && <ImportedBanner what={copy.what} onLeave={() => setCopy(undefined)} />}
      />
      {/* Outside the keyed tree: the panel stays open across an import. */}
      <Devtools
        store={shown}
        sync={copy ? undefined : sync}
        copy={copy !== undefined}
        onImport={open}
      />
    </>
  )
}
