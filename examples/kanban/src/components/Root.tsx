import { SyncProvider } from '@strata/state/query'
import { StoreProvider } from '@strata/state/react'
import type { Sync } from '@strata/state/sync'
import { type QueryClient, QueryClientProvider } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { DraftsProvider } from '../drafts'
import { FeedbackProvider } from '../feedback'
import type { BoardStore } from '../hooks'
import { App } from './App'

interface Props {
  store: BoardStore
  queryClient: QueryClient
  /** The server connection; without it the board runs locally (tests, offline demo). */
  sync?: Sync | undefined
  /** Shown above the toolbar (the imported-copy banner). */
  notice?: ReactNode
  children?: ReactNode
}

/** The providers around <App>: main.tsx passes the real store and sync, tests their own. */
export function Root({ store, queryClient, sync, notice, children }: Props) {
  const app = (
    <FeedbackProvider>
      <DraftsProvider>
        <App synced={sync !== undefined} notice={notice} />
        {children}
      </DraftsProvider>
    </FeedbackProvider>
  )
  return (
    <StoreProvider store={store}>
      <QueryClientProvider client={queryClient}>
        {sync ? <SyncProvider sync={sync}>{app}</SyncProvider> : app}
      </QueryClientProvider>
    </StoreProvider>
  )
}
