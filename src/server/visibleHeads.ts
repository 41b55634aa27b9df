import type { Fanout } from './fanout'
import { seenBy } from './served'
import { readText } from './storage/text'
import type { Limits, Principal, ReadRequest, Storage, TextReadResult } from './types'

export interface VisibleDeps {
  storage: Storage
  fanout: Fanout
  limits: Limits
}

/**
 * For a principal of some streams (`canRead`): calls `onHead` with the tenant's head after each
 * commit that holds an event it is served (of a stream it may read, or an erasure's notice),
 * and never for a commit of only streams it may not read: a poke then would tell it when, and
 * how often, others write there. Each commit's events are read a page at a time from the last
 * position looked at (`from` first: the one the principal was told of), one read shared by every
 * such watcher of the tenant at that position. Returns the stop.
 */
export function watchVisible(
  { storage, fanout, limits }: VisibleDeps,
  principal: Principal,
  tenant: string,
  from: number,
  onHead: (head: number) => void,
): () => void {
  let stopped = false
  let after = from
  let latest = from
  let running = false
  const check = async () => {
    if (running) return
    running = true
    try {
      while (!stopped && latest > after) {
        const request = { tenant, after, limit: limits.maxReadLimit, maxBytes: limits.maxReadBytes }
        let result = await sharedRead(storage, request)
        // Nothing past the position: the shared read began before the commit; read again alone.
        if (result.head <= after && !stopped) result = await readText(storage, request)
        if (stopped || result.head <= after) return
        latest = Math.max(latest, result.head)
        if (result.events.some((e) => seenBy(principal, e))) onHead(result.head)
        // On from the last event looked at (a page stopped at its limit or budget), else the head.
        const full = result.cut || result.events.length >= limits.maxReadLimit
        after = full ? result.events.at(-1)!.tenantPosition : Math.max(after, result.head)
      }
    } catch {
      // The storage is down: the next commit, or the client's reconnect, tries again.
    } finally {
      running = false
    }
  }
  const unwatch = fanout.watch(tenant, (head) => {
    latest = Math.max(latest, head)
    void check()
  })
  return () => {
    stopped = true
    unwatch()
  }
}

/** Reads in flight by store, tenant and position: the watchers poked by one commit share one. */
const inFlight = new WeakMap<Storage, Map<string, Promise<TextReadResult>>>()

function sharedRead(
  storage: Storage,
  request: ReadRequest & { tenant: string },
): Promise<TextReadResult> {
  let reads = inFlight.get(storage)
  if (!reads) {
    reads = new Map()
    inFlight.set(storage, reads)
  }
  const key = `${request.after}:${request.limit}:${request.maxBytes}:${request.tenant}`
  let read = reads.get(key)
  if (!read) {
    const map = reads
    read = readText(storage, request).finally(() => map.delete(key))
    reads.set(key, read)
  }
  return read
}
