export {
  type Affects,
  type InvalidateOptions,
  invalidateOnConfirm,
  type RemoteEvent,
} from './invalidate'
export {
  type SyncQueryFnOptions,
  type SyncQueryInput,
  syncQueryFn,
  type ViewQueryParams,
} from './queryFn'
export {
  SyncProvider,
  type SyncProviderProps,
  type UseSyncQueryOptions,
  useInvalidateOnConfirm,
  useSync,
  useSyncQuery,
} from './react'
