import type { AnyEvent } from '@strata/state'
import type { ConfirmedEvent, Sync } from '@strata/state/sync'
import { hashKey, type QueryClient, type QueryKey } from '@tanstack/react-query'

/** What an event makes stale: query keys (prefixes), or a function of the event. */
export type Affects =
  | ((event: ConfirmedEvent | RemoteEvent) => readonly QueryKey[])
  | {
      readonly [eventType: string]:
        | readonly QueryKey[]
        | ((event: ConfirmedEvent | RemoteEvent) => readonly QueryKey[])
    }

/** A pulled event of another client, as `Affects` sees it. */
export interface RemoteEvent {
  id: string
  type: string
  event: AnyEvent
  position: string
}

export interface InvalidateOptions {
  /** Also invalidate for events other clients wrote, when they are pulled. Default false. */
  remote?: boolean
}

/** The query keys `affects` names for one event. */
export function keysFor(
  affects: Affects,
  event: ConfirmedEvent | RemoteEvent,
): readonly QueryKey[] {
  if (typeof affects === 'function') return affects(event)
  const entry = Object.hasOwn(affects, event.type) ? affects[event.type] : undefined
  return typeof entry === 'function' ? entry(event) : (entry ?? [])
}

/**
 * Invalidates the queries a write affects once the server has stored it. The refetch goes out
 * after `sync.position` includes the write, so a query built on `syncQueryFn` then reads a view
 * that has it: a component never shows a read older than its own write.
 * Returns the unsubscribe.
 */
export function invalidateOnConfirm(
  sync: Sync,
  client: QueryClient,
  affects: Affects,
  options: InvalidateOptions = {},
): () => void {
  const invalidate = (events: readonly (ConfirmedEvent | RemoteEvent)[]) => {
    // One invalidation per key, keys compared as TanStack Query does (object keys in any order).
    const keys = new Map<string, QueryKey>()
    for (const event of events) {
      for (const key of keysFor(affects, event)) keys.set(hashKey(key), key)
    }
    for (const queryKey of keys.values()) void client.invalidateQueries({ queryKey })
  }
  const stops = [sync.onConfirm((batch) => invalidate(batch.events))]
  if (options.remote) {
    stops.push(
      sync.onPull((pulled) =>
        invalidate(
          pulled.map((p) => ({
            id: p.id,
            type: p.event.type,
            event: p.event,
            position: p.position,
          })),
        ),
      ),
    )
  }
  return () => {
    for (const stop of stops) stop()
  }
}
