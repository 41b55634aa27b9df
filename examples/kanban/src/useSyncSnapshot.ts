import { useSync } from '@strata/state/query'
import type { SyncSnapshot } from '@strata/state/sync'
import { useSyncExternalStore } from 'react'

/** The sync status, outbox and position of the nearest <SyncProvider>, re-rendering on change. */
export function useSyncSnapshot(): SyncSnapshot {
  const sync = useSync()
  return useSyncExternalStore(sync.subscribe, sync.getSnapshot)
}
