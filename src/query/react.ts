import type { Sync } from '@strata/state/sync'
import {
  type QueryKey,
  type UseQueryOptions,
  type UseQueryResult,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query'
import { createContext, createElement, type ReactNode, useContext, useEffect, useRef } from 'react'
import { type Affects, type InvalidateOptions, invalidateOnConfirm, keysFor } from './invalidate'
import { type SyncQueryFnOptions, type SyncQueryInput, syncQueryFn } from './queryFn'

const SyncContext = createContext<Sync | null>(null)

export interface SyncProviderProps {
  sync: Sync
  children?: ReactNode
}

/** Makes `sync` available to `useSyncQuery` and `useInvalidateOnConfirm` below it. */
export function SyncProvider({ sync, children }: SyncProviderProps) {
  if (typeof sync?.fetch !== 'function' || typeof sync.onConfirm !== 'function') {
    throw new TypeError(
      '[strata] <SyncProvider> expects a `sync` prop returned by connectSync(store, options), ' +
        `received ${sync === null ? 'null' : typeof sync}.`,
    )
  }
  return createElement(SyncContext.Provider, { value: sync }, children)
}

/** The Sync of the nearest `<SyncProvider>`. */
export function useSync(): Sync {
  const sync = useContext(SyncContext)
  if (!sync) {
    throw new Error(
      '[strata] useSync() was called outside <SyncProvider>. Render the component inside ' +
        '<SyncProvider sync={connectSync(store, ...)}>.',
    )
  }
  return sync
}

export type UseSyncQueryOptions<T, K extends QueryKey> = Omit<
  UseQueryOptions<T, Error, T, K>,
  'queryFn'
> &
  SyncQueryFnOptions<T> & {
    /** What to read: a URL (relative to the sync `url`), or a function of the query context. */
    url: SyncQueryInput<K>
  }

/** `useQuery` reading through the provider's `sync.fetch`: reads include this client's writes. */
export function useSyncQuery<T = unknown, K extends QueryKey = QueryKey>(
  options: UseSyncQueryOptions<T, K>,
): UseQueryResult<T, Error> {
  const sync = useSync()
  const { url, init, parse, params, ...query } = options
  const fnOptions: SyncQueryFnOptions<T> = {}
  if (init) fnOptions.init = init
  if (params) fnOptions.params = params
  if (parse) fnOptions.parse = parse
  return useQuery({ ...query, queryFn: syncQueryFn<T, K>(sync, url, fnOptions) })
}

/**
 * While mounted, invalidates the queries each confirmed write affects (see
 * `invalidateOnConfirm`). `affects` may change between renders; the latest is used.
 */
export function useInvalidateOnConfirm(affects: Affects, options: InvalidateOptions = {}): void {
  const sync = useSync()
  const client = useQueryClient()
  const latest = useRef(affects)
  latest.current = affects
  const remote = options.remote ?? false
  useEffect(
    () => invalidateOnConfirm(sync, client, (event) => keysFor(latest.current, event), { remote }),
    [sync, client, remote],
  )
}
