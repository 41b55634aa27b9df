import { readText } from './storage/text'
import type { Commit, ReadRequest, Storage, TextReadResult } from './types'

/** What a long poll waits for: a tenant's events after a position (clients apart). */
export interface WaitRequest {
  tenant: string
  after: number
  limit: number
  streams?: readonly string[] | undefined
  clientId?: string | undefined
  /** The page's byte budget (`ReadRequest.maxBytes`): the server's own, so not in a group's key. */
  maxBytes?: number | undefined
}

export interface Waiting {
  /** The first read after a commit of the tenant that moved its head past `after`; undefined when the time ran out or `cancel` was called. */
  result: Promise<TextReadResult | undefined>
  cancel(): void
}

interface Waiter {
  clientId: string | undefined
  group: Group
  settle(result: TextReadResult | undefined, error?: unknown): void
}

/** Waiters of one tenant at the same read: they share it. */
interface Group {
  key: string
  request: ReadRequest & { tenant: string }
  waiters: Set<Waiter>
}

interface TenantWaiters {
  groups: Map<string, Group>
  watchers: Set<(head: number) => void>
  /** Commits heard for the tenant; a shared read that began before the last may have missed it. */
  heard: number
}

// Node and browsers alike (the handler also runs in msw): the next macrotask, after the I/O of
// the request that committed has gone out.
const later: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0)

/**
 * Wakes long polls and event streams when their tenant's events commit, with one subscription
 * to the storage for all of them. A commit names the tenants it wrote: waiters of other tenants
 * are not touched, and waiters of the same tenant at the same position share one read. The work
 * runs on a later turn of the event loop, so the append that committed answers first.
 */
export class Fanout {
  readonly #storage: Storage
  readonly #tenants = new Map<string, TenantWaiters>()
  /** Tenants to wake on the next flush, with their new head (undefined: unknown, read it). */
  readonly #dirty = new Map<string, number | undefined>()
  readonly #unsubscribe: () => void
  #scheduled = false

  constructor(storage: Storage) {
    this.#storage = storage
    this.#unsubscribe = storage.subscribe((commit) => this.#heard(commit))
  }

  /**
   * Registers a long poll. Call it before the caller's own first read: a commit between that
   * read and the registration would otherwise go unheard.
   */
  wait(request: WaitRequest, timeoutMs: number, signal?: AbortSignal): Waiting {
    const tenant = this.#tenant(request.tenant)
    const { after, limit, maxBytes } = request
    const shared = { tenant: request.tenant, after, limit, maxBytes }
    const read: Group['request'] = request.streams
      ? { ...shared, streams: request.streams }
      : shared
    const key = `${request.after}:${request.limit}:${request.streams?.join('\u0000') ?? ''}`
    let settle: Waiter['settle'] = () => {}
    const result = new Promise<TextReadResult | undefined>((resolve, reject) => {
      settle = (value, error) => (error === undefined ? resolve(value) : reject(error))
    })
    const waiter: Waiter = {
      clientId: request.clientId,
      group: this.#join(tenant, key, read),
      settle: (value, error) => {
        waiter.settle = () => {}
        clearTimeout(timer)
        signal?.removeEventListener('abort', cancel)
        this.#leave(request.tenant, waiter)
        settle(value, error)
      },
    }
    waiter.group.waiters.add(waiter)
    const cancel = () => waiter.settle(undefined)
    const timer = setTimeout(cancel, timeoutMs)
    signal?.addEventListener('abort', cancel)
    if (signal?.aborted) cancel()
    return { result, cancel }
  }

  /** Calls `onHead` with the tenant's new head after each of its commits; returns the stop. */
  watch(tenant: string, onHead: (head: number) => void): () => void {
    const entry = this.#tenant(tenant)
    entry.watchers.add(onHead)
    return () => {
      entry.watchers.delete(onHead)
      this.#drop(tenant, entry)
    }
  }

  close(): void {
    this.#unsubscribe()
    for (const entry of this.#tenants.values())
      for (const group of entry.groups.values())
        for (const waiter of group.waiters) waiter.settle(undefined)
  }

  #tenant(name: string): TenantWaiters {
    let entry = this.#tenants.get(name)
    if (!entry) {
      entry = { groups: new Map(), watchers: new Set(), heard: 0 }
      this.#tenants.set(name, entry)
    }
    return entry
  }

  #join(tenant: TenantWaiters, key: string, request: Group['request']): Group {
    let group = tenant.groups.get(key)
    if (!group) {
      group = { key, request, waiters: new Set() }
      tenant.groups.set(key, group)
    }
    return group
  }

  #leave(tenantName: string, waiter: Waiter): void {
    const { group } = waiter
    group.waiters.delete(waiter)
    const tenant = this.#tenants.get(tenantName)
    if (!tenant) return
    if (!group.waiters.size && tenant.groups.get(group.key) === group)
      tenant.groups.delete(group.key)
    this.#drop(tenantName, tenant)
  }

  #drop(name: string, tenant: TenantWaiters): void {
    if (!tenant.groups.size && !tenant.watchers.size && this.#tenants.get(name) === tenant)
      this.#tenants.delete(name)
  }

  #heard(commit: Commit): void {
    const mark = (name: string, head: number | undefined) => {
      const tenant = this.#tenants.get(name)
      if (!tenant) return
      tenant.heard++
      const known = this.#dirty.has(name) ? this.#dirty.get(name) : 0
      // Unknown wins over any known head: the flush reads it.
      this.#dirty.set(
        name,
        head === undefined || known === undefined ? undefined : Math.max(known, head),
      )
    }
    if (commit.tenants) for (const [name, head] of commit.tenants) mark(name, head)
    else for (const name of this.#tenants.keys()) mark(name, undefined)
    this.#schedule()
  }

  #schedule(): void {
    if (this.#scheduled || !this.#dirty.size) return
    this.#scheduled = true
    later(() => this.#flush())
  }

  #flush(): void {
    this.#scheduled = false
    const dirty = [...this.#dirty]
    this.#dirty.clear()
    for (const [name, head] of dirty) {
      const tenant = this.#tenants.get(name)
      if (!tenant) continue
      if (tenant.watchers.size) void this.#poke(name, tenant, head)
      for (const group of [...tenant.groups.values()]) {
        if (head !== undefined && head <= group.request.after) continue
        // Out of the map while its read runs: waiters arriving meanwhile do their own first read.
        tenant.groups.delete(group.key)
        void this.#serve(name, tenant, group)
      }
    }
  }

  async #poke(name: string, tenant: TenantWaiters, known: number | undefined): Promise<void> {
    let head = known
    if (head === undefined) {
      try {
        head = await this.#storage.head(name)
      } catch {
        return // The storage is down; the next commit or the client's reconnect will tell.
      }
    }
    for (const watcher of [...tenant.watchers]) watcher(head)
  }

  async #serve(name: string, tenant: TenantWaiters, group: Group): Promise<void> {
    const heard = tenant.heard
    const clientIds = [...new Set([...group.waiters].flatMap((w) => w.clientId ?? []))]
    let result: TextReadResult
    try {
      result = await readText(
        this.#storage,
        clientIds.length ? { ...group.request, clientIds } : group.request,
      )
    } catch (error) {
      for (const waiter of [...group.waiters]) waiter.settle(undefined, error)
      return
    }
    if (result.head > group.request.after) {
      // A commit heard while the read ran may be past it: those woken may wait again from its
      // head in this turn (read.ts longPoll), so flush once more.
      const missed = this.#tenants.get(name) !== tenant || tenant.heard !== heard
      for (const waiter of [...group.waiters]) waiter.settle(result)
      if (missed && !this.#dirty.has(name)) {
        this.#dirty.set(name, undefined)
        this.#schedule()
      }
      return
    }
    // Nothing new for it after all (a commit of unknown tenants): back to waiting, and read
    // again if the tenant committed while this read ran.
    if (!group.waiters.size) return
    // The tenant's entry may have gone (and come back) while the read ran: join the current one.
    const current = this.#tenant(name)
    const home = this.#join(current, group.key, group.request)
    for (const waiter of group.waiters) {
      waiter.group = home
      home.waiters.add(waiter)
    }
    if (current !== tenant || tenant.heard !== heard) {
      this.#dirty.set(name, undefined)
      this.#schedule()
    }
  }
}
