import type { Session } from '@strata/state/inspect'
import type { Sync } from '@strata/state/sync'
import { lazy, Suspense } from 'react'
import type { BoardStore } from '../hooks'
import { usePrefs } from '../prefs'

// Loaded on demand and only in development: a production build ships none of the panel.
const StrataDevtools = import.meta.env.DEV ? lazy(() => import('@strata/state/devtools')) : null

interface Props {
  store: BoardStore
  sync?: Sync | undefined
  /** The board shown is an imported session's local copy. */
  copy?: boolean
  /** Import opens a session as a local copy (see Workspace). */
  onImport?: (session: Session) => void
}

/** Strata's devtools for the board (with its sync tab) and for the zustand preferences store. */
export function Devtools({ store, sync, copy = false, onImport }: Props) {
  if (!StrataDevtools) return null
  return (
    <Suspense fallback={null}>
      <StrataDevtools
        store={store}
        {...(sync && { sync })}
        {...(onImport && { load: onImport })}
        name={copy ? 'board (imported copy)' : 'board'}
      />
      <StrataDevtools store={usePrefs.strata} name="preferences" buttonPosition="bottom-left" />
    </Suspense>
  )
}
