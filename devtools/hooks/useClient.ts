import type {
  InspectClient,
  Meta,
  Request,
  RequestType,
  ResultOf,
  SyncSnapshot,
} from '@strata/state/inspect'
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import { RowCache } from './rowCache'

export function useMeta(client: InspectClient): Meta | undefined {
  return useSyncExternalStore(
    client.subscribe,
    () => client.meta,
    () => client.meta,
  )
}

export function useSyncState(client: InspectClient): SyncSnapshot | undefined {
  return useSyncExternalStore(
    client.subscribe,
    () => client.sync,
    () => client.sync,
  )
}

type RowRequest = 'events' | 'commands' | 'states'

/** A lane's row cache, refreshed when the logs change (not when the cursor moves). */
export function useRows<T extends RowRequest>(
  client: InspectClient,
  type: T,
  logRevision: number,
): RowCache<ResultOf<T>[number]> {
  const cache = useMemo(
    () =>
      new RowCache<ResultOf<T>[number]>(
        (start, end) =>
          client.request({ type, start, end } as Request<T>) as Promise<ResultOf<T>[number][]>,
      ),
    [client, type],
  )
  cache.setRevision(logRevision)
  // A new log revision leaves the same rows on screen: fetch them again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: logRevision is the trigger
  useEffect(() => cache.refresh(), [cache, logRevision])
  useSyncExternalStore(cache.subscribe, cache.getVersion, cache.getVersion)
  return cache
}

export interface Async<T> {
  data: T | undefined
  error: unknown
  loading: boolean
}

/**
 * The answer to a request, asked again whenever `key` changes; answers to older keys are
 * dropped. `request` undefined asks nothing.
 */
export function useRequest<T extends RequestType>(
  client: InspectClient,
  request: Request<T> | undefined,
  key: string,
): Async<ResultOf<T>> {
  const [state, setState] = useState<Async<ResultOf<T>> & { key?: string }>({
    data: undefined,
    error: undefined,
    loading: request !== undefined,
  })
  // The key stands for the request: it changes exactly when the request does.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` covers `request`
  useEffect(() => {
    if (!request) {
      setState({ data: undefined, error: undefined, loading: false, key })
      return
    }
    let current = true
    setState((s) => ({ ...s, loading: true }))
    client.request(request).then(
      (data) => current && setState({ data, error: undefined, loading: false, key }),
      (error) => current && setState({ data: undefined, error, loading: false, key }),
    )
    return () => {
      current = false
    }
  }, [client, key])
  return state
}
