import type { Sync } from '@strata/state/sync'
import { responseError } from '@strata/state/sync'
import type { QueryFunction, QueryFunctionContext, QueryKey } from '@tanstack/react-query'

export type SyncQueryInput<K extends QueryKey = QueryKey> =
  | string
  | URL
  | ((context: QueryFunctionContext<K>) => string | URL)

/** Query parameters of a view read (`GET /views/<name>?...`); undefined ones are left out. */
export type ViewQueryParams = Record<string, string | number | boolean | undefined>

export interface SyncQueryFnOptions<T> {
  init?: RequestInit
  /**
   * Added to the URL's query, for views with parameters (table projections): a search, a page.
   * Put them in the `queryKey` too, so each set of parameters is cached apart.
   */
  params?: ViewQueryParams
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
    const target = withParams(typeof input === 'function' ? input(context) : input, options.params)
    const response = await sync.fetch(target, { ...options.init, signal: context.signal })
    if (!response.ok) throw await responseError(response)
    return options.parse ? options.parse(response) : ((await response.json()) as T)
  }
}

/** `target` with `params` set in its query; a relative URL stays relative. */
function withParams(target: string | URL, params: ViewQueryParams | undefined): string | URL {
  if (!params) return target
  const set = (search: URLSearchParams) => {
    for (const [key, value] of Object.entries(params))
      if (value !== undefined) search.set(key, String(value))
  }
  if (target instanceof URL) {
    const url = new URL(target)
    set(url.searchParams)
    return url
  }
  const [path = '', query = ''] = target.split('?', 2)
  const search = new URLSearchParams(query)
  set(search)
  const text = search.toString()
  return text ? `${path}?${text}` : path
}
