import type { Sync } from '@strata/state/sync'
import { responseError } from '@strata/state/sync'
import type { QueryFunction, QueryFunctionContext, QueryKey } from '@tanstack/react-query'

export type SyncQueryInput<K extends QueryKey = QueryKey> =
  | string
  | URL
  | ((context: QueryFunctionContext<K>) => string | URL)

export interface SyncQueryFnOptions<T> {
  init?: RequestInit
  /** Reads the body; default `response.json()`. */
  parse?: (response: Response) => Promise<T>
}

/**
 * A TanStack Query `queryFn` that reads through `sync.fetch`, so the server answers with at
 * least everything this client has written and seen (`X-Min-Position`). A failed read throws a
 * typed `SyncError` (a view not caught up in time is a 503 with `retryAfterMs`), which the
 * query's `retry` can act on.
 *
 * @example
 * useQuery({ queryKey: ['todos'], queryFn: syncQueryFn(sync, '/api/views/todos') })
 */
export function syncQueryFn<T = unknown, K extends QueryKey = QueryKey>(
  sync: Sync,
  input: SyncQueryInput<K>,
  options: SyncQueryFnOptions<T> = {},
): QueryFunction<T, K> {
  if (typeof sync?.fetch !== 'function') {
    throw new TypeError(
      `[strata] syncQueryFn expects the Sync returned by connectSync(store, ...), received ${sync === null ? 'null' : typeof sync}.`,
    )
  }
  return async (context) => {
    const target = typeof input === 'function' ? input(context) : input
    const response = await sync.fetch(target, { ...options.init, signal: context.signal })
    if (!response.ok) throw await responseError(response)
    return options.parse ? options.parse(response) : ((await response.json()) as T)
  }
}
