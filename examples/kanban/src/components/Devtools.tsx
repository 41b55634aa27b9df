import type { Sync } from '@strata/state/sync'
import { lazy, Suspense } from 'react'
import type { BoardStore } from '../hooks'
import { usePrefs } from '../prefs'

// Loaded on demand and only in development: a production build ships none of the panel.
const StrataDevtools = import.meta.env.DEV ? lazy(() => import('@strata/state/devtools')) : null

/** Strata's devtools for the board (with its sync tab) and for the zustand preferences store. */
export function Devtools({ store, sync }: { store: BoardStore; sync?: Sync | undefined }) {
  if (!StrataDevtools) return null
  return (
    <Suspense fallback={null}>
      <StrataDevtools store={store} {...(sync && { sync })} name="board" />
      <StrataDevtools store={usePrefs.strata} name="preferences" buttonPosition="bottom-left" />
    </Suspense>
  )
}
