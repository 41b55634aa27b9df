import { type SyncClock, sleep } from './clock'
import type { OutboxStorage } from './storage'

/** The part of the Web Locks API (`navigator.locks`) the client uses. */
export interface LockManagerLike {
  request(
    name: string,
    options: { signal?: AbortSignal },
    callback: (lock: unknown) => Promise<void>,
  ): Promise<unknown>
  query(): Promise<{ held?: { name?: string }[] }>
}

/**
 * Which of the tabs sharing an outbox sends (one at a time, so clientSeqs reach the server in
 * order), and which tabs are gone (so another adopts their unsent events).
 */
export interface Tabs {
  readonly tabId: string
  /** Once this tab counts as alive to the others (so none adopts its events). */
  readonly ready: Promise<void>
  /** Resolves true once this tab is the sender, false if closed first. */
  becomeSender(): Promise<boolean>
  /** Still the sender: a tab whose lease ran out (frozen in the background) must stop. */
  isSender(): boolean
  /** Of `owners`, the tabs that are gone. */
  gone(owners: readonly string[]): Promise<string[]>
  close(): Promise<void>
}

/** One tab, nobody to share with: the outbox in memory. */
export function soloTabs(tabId: string): Tabs {
  return {
    tabId,
    ready: Promise.resolve(),
    becomeSender: async () => true,
    isSender: () => true,
    gone: async (owners) => owners.filter((o) => o !== tabId),
    close: async () => {},
  }
}

/**
 * Web Locks: the browser releases a closed or crashed tab's locks at once, so a reload can adopt
 * its events right away. Each tab holds a lock named after itself for its lifetime.
 */
export function webLockTabs(locks: LockManagerLike, prefix: string, tabId: string): Tabs {
  const abort = new AbortController()
  const releases: (() => void)[] = []
  let sender = false
  const hold = (name: string, granted: () => void) =>
    locks
      .request(name, { signal: abort.signal }, () => {
        granted()
        return new Promise<void>((resolve) => releases.push(resolve))
      })
      // Aborted by close() before it was granted.
      .catch(() => {})
  const tabName = (id: string) => `${prefix}:tab:${id}`
  const tabHeld = new Promise<void>((resolve) => hold(tabName(tabId), resolve))
  return {
    tabId,
    ready: tabHeld,
    async becomeSender() {
      await tabHeld
      if (abort.signal.aborted) return false
      return new Promise<boolean>((resolve) => {
        abort.signal.addEventListener('abort', () => resolve(false))
        hold(`${prefix}:sender`, () => {
          sender = !abort.signal.aborted
          resolve(sender)
        })
      })
    },
    isSender: () => sender,
    async gone(owners) {
      const { held = [] } = await locks.query()
      const live = new Set(held.map((l) => l.name))
      return owners.filter((o) => o !== tabId && !live.has(tabName(o)))
    },
    async close() {
      sender = false
      abort.abort()
      for (const release of releases.splice(0)) release()
    },
  }
}

/**
 * The fallback without Web Locks: leases in the outbox database (a durable one, shared by tabs),
 * renewed while the tab lives. A crashed tab's lease runs out after `ttlMs`. Two senders at once
 * (a lease lost while a request was in flight) cost a duplicate request, never a duplicate event:
 * the server dedupes by (clientId, clientSeq).
 */
export function leaseTabs(
  storage: OutboxStorage,
  clock: SyncClock,
  prefix: string,
  tabId: string,
  ttlMs: number,
): Tabs {
  const tabName = (id: string) => `${prefix}:tab:${id}`
  const tabLease = tabName(tabId)
  const senderLease = `${prefix}:sender`
  const abort = new AbortController()
  let sender = false
  let senderUntil = 0
  let timer: unknown

  const take = async (name: string) => {
    const now = clock.now()
    try {
      return (await storage.lease!(name, tabId, ttlMs, now)) ? now + ttlMs : 0
    } catch {
      return 0
    }
  }
  const renew = async () => {
    if (abort.signal.aborted) return
    await take(tabLease)
    if (sender) {
      senderUntil = await take(senderLease)
      sender = senderUntil > 0
    }
    if (!abort.signal.aborted) timer = clock.setTimeout(renew, ttlMs / 3)
  }
  const started = renew()

  return {
    tabId,
    ready: started,
    async becomeSender() {
      await started
      while (!abort.signal.aborted) {
        senderUntil = await take(senderLease)
        if (senderUntil > 0 && !abort.signal.aborted) {
          sender = true
          return true
        }
        await sleep(clock, ttlMs / 2, abort.signal)
      }
      return false
    },
    isSender: () => sender && clock.now() < senderUntil,
    async gone(owners) {
      const live = new Set(await storage.liveLeases!(clock.now()))
      return owners.filter((o) => o !== tabId && !live.has(tabName(o)))
    },
    async close() {
      abort.abort()
      clock.clearTimeout(timer)
      sender = false
      // Release so a reload adopts at once instead of waiting for the lease to run out.
      await storage.releaseLease!(tabLease, tabId).catch(() => {})
      await storage.releaseLease!(senderLease, tabId).catch(() => {})
    },
  }
}
