import type { JsonValue } from '../../protocol'
import { Mutex } from '../mutex'
import { Signal } from '../signal'
import type {
  Checkpoint,
  ClientRecord,
  Commit,
  ReadRequest,
  Receipt,
  Rejection,
  Storage,
  StorageTx,
  StoredEvent,
} from '../types'
import { memoryErasure } from './memoryErasure'
import { leastBytes, toTextEvent, underBudget } from './text'

interface Staged {
  events: StoredEvent[]
  rejections: Rejection[]
  clients: Map<string, ClientRecord>
  checkpoints: Map<string, string>
  /** Erasure's writes (keys, dropped checkpoints), applied on commit. */
  after: (() => void)[]
}

/** A map key of parts that cannot run into each other. */
const key = (...parts: (string | number | undefined)[]) =>
  parts.map((p) => (p === undefined ? '\u0001' : `${p}`)).join('\u0000')

/**
 * Everything in memory: the default for tests, stories and the msw mock. Writes of an append are
 * staged and applied only when it returns, so a throwing append leaves nothing behind, as a
 * database rollback would. Checkpoint states are kept as JSON text so no caller can mutate them.
 */
export function memoryStorage(): Storage {
  const events: StoredEvent[] = []
  /** Each tenant's events in tenant order: index = tenantPosition - 1. */
  const byTenant = new Map<string, StoredEvent[]>()
  const clients = new Map<string, ClientRecord>()
  const rejections = new Map<string, Rejection>()
  const streamVersions = new Map<string, number>()
  /** Tenant position by (tenant, clientId, id): ids are unique per client, as the SQL indexes say. */
  const ids = new Map<string, number>()
  const bySeq = new Map<string, StoredEvent>()
  const checkpoints = new Map<string, string>()
  const mutex = new Mutex()
  const commits = new Signal<Commit>()
  const erasure = memoryErasure(checkpoints, (name, tenant) => key(name, tenant))
  let closed = false

  const assertOpen = () => {
    if (closed) throw new Error('[strata] memoryStorage is closed')
  }
  const tenantEvents = (tenant: string) => byTenant.get(tenant) ?? []
  const loadCheckpoint = (
    name: string,
    tenant: string | undefined,
    staged?: Staged,
  ): Checkpoint | undefined => {
    const k = key(name, tenant)
    const text = staged?.checkpoints.get(k) ?? checkpoints.get(k)
    return text === undefined ? undefined : (JSON.parse(text) as Checkpoint)
  }
  const copy = (event: StoredEvent): StoredEvent => ({
    ...event,
    payload: structuredClone(event.payload) as JsonValue,
  })
  /** Events after `request.after`; with `size`, only those its byte budget may hold. */
  const readFrom = <E>(
    source: readonly StoredEvent[],
    request: ReadRequest,
    copy: (event: StoredEvent) => E,
    size?: (event: E) => number,
  ) => {
    const out: E[] = []
    const streams = request.streams && new Set(request.streams)
    const fits = underBudget(size && request.maxBytes)
    for (let i = request.after; i < source.length && out.length < request.limit; i++) {
      const event = source[i]!
      if (streams && !streams.has(event.stream)) continue
      const copied = copy(event)
      if (size && !fits(size(copied))) return { events: out, cut: true }
      out.push(copied)
    }
    return { events: out }
  }

  const read = <E>(
    request: ReadRequest,
    copy: (event: StoredEvent) => E,
    size?: (event: E) => number,
  ) => {
    assertOpen()
    const tenant = request.tenant
    const source = tenant === undefined ? events : tenantEvents(tenant)
    const found: ClientRecord[] = []
    for (const clientId of request.clientIds ?? []) {
      const client = clients.get(key(tenant ?? '', clientId))
      if (client) found.push({ ...client })
    }
    return { ...readFrom(source, request, copy, size), head: source.length, clients: found }
  }

  const makeTx = (staged: Staged): StorageTx => ({
    head: async () => events.length + staged.events.length,
    tenantHead: async (tenant) =>
      tenantEvents(tenant).length + staged.events.filter((e) => e.tenant === tenant).length,
    client: async (tenant, clientId) => {
      const k = key(tenant, clientId)
      const client = staged.clients.get(k) ?? clients.get(k)
      return client && { ...client }
    },
    receipts: async (tenant, clientId, fromSeq, toSeq) => {
      const out: Receipt[] = []
      for (let seq = fromSeq; seq <= toSeq; seq++) {
        const event = bySeq.get(key(tenant, clientId, seq))
        const rejection = rejections.get(key(tenant, clientId, seq))
        if (event)
          out.push({
            clientSeq: seq,
            fingerprint: event.fingerprint,
            position: event.tenantPosition,
            error: null,
          })
        else if (rejection)
          out.push({
            clientSeq: seq,
            fingerprint: rejection.fingerprint,
            position: null,
            error: rejection.error,
          })
      }
      return out
    },
    streamVersions: async (tenant, streams) => {
      const out = new Map<string, number>()
      for (const stream of streams) {
        const version = streamVersions.get(key(tenant, stream))
        if (version !== undefined) out.set(stream, version)
      }
      return out
    },
    existingIds: async (tenant, clientId, list) => {
      const out = new Map<string, number>()
      for (const id of list) {
        const position = ids.get(key(tenant, clientId, id))
        if (position !== undefined) out.set(id, position)
      }
      return out
    },
    insertEvents: async (list) => {
      staged.events.push(...list.map((e) => ({ ...e })))
    },
    insertRejections: async (list) => {
      staged.rejections.push(...list)
    },
    saveClient: async (client) => {
      staged.clients.set(key(client.tenant, client.clientId), { ...client })
    },
    readEvents: async (after, limit, tenant) =>
      readFrom(tenant === undefined ? events : tenantEvents(tenant), { after, limit }, copy).events,
    loadCheckpoint: async (name, tenant) => loadCheckpoint(name, tenant, staged),
    saveCheckpoint: async (name, checkpoint, tenant) => {
      staged.checkpoints.set(key(name, tenant), JSON.stringify(checkpoint))
    },
    ...erasure.tx(staged.after, staged.checkpoints),
  })

  /** Refuses what a database's constraints would, before anything is applied (atomic). */
  const check = (staged: Staged) => {
    const fresh = new Set<string>()
    const heads = new Map<string, number>()
    staged.events.forEach((event, i) => {
      const tenantHead = heads.get(event.tenant) ?? tenantEvents(event.tenant).length
      if (event.position !== events.length + 1 + i || event.tenantPosition !== tenantHead + 1)
        throw new Error('[strata] positions must be dense')
      heads.set(event.tenant, event.tenantPosition)
      const k = key(event.tenant, event.clientId, event.id)
      if (ids.has(k) || fresh.has(k))
        throw new Error(
          `[strata] client ${JSON.stringify(event.clientId)} already stored event id ${JSON.stringify(event.id)}`,
        )
      fresh.add(k)
    })
    return heads
  }

  const commit = (staged: Staged) => {
    const heads = check(staged)
    for (const event of staged.events) {
      events.push(event)
      const list = byTenant.get(event.tenant) ?? []
      if (!list.length) byTenant.set(event.tenant, list)
      list.push(event)
      bySeq.set(key(event.tenant, event.clientId, event.clientSeq), event)
      ids.set(key(event.tenant, event.clientId, event.id), event.tenantPosition)
      streamVersions.set(key(event.tenant, event.stream), event.streamVersion)
    }
    for (const r of staged.rejections) rejections.set(key(r.tenant, r.clientId, r.clientSeq), r)
    for (const [k, client] of staged.clients) clients.set(k, client)
    // First: a checkpoint dropped and saved again in one transaction keeps its new state.
    for (const apply of staged.after) apply()
    for (const [k, text] of staged.checkpoints) checkpoints.set(k, text)
    return heads
  }

  return {
    kind: 'memory',
    ...erasure.storage,
    append: (fn) =>
      mutex.run(async () => {
        assertOpen()
        const staged: Staged = {
          events: [],
          rejections: [],
          clients: new Map(),
          checkpoints: new Map(),
          after: [],
        }
        const result = await fn(makeTx(staged))
        assertOpen()
        const heads = commit(staged)
        if (staged.events.length) commits.emit({ head: events.length, tenants: heads })
        return result
      }),
    read: async (request) => read(request, copy),
    // The payloads' text made here: this store keeps them as values.
    readText: async (request) => read(request, toTextEvent, leastBytes),
    head: async (tenant) => (tenant === undefined ? events : tenantEvents(tenant)).length,
    globalPosition: async (tenant, tenantPosition) =>
      tenantPosition === 0 ? 0 : tenantEvents(tenant)[tenantPosition - 1]?.position,
    loadCheckpoint: async (name, tenant) => loadCheckpoint(name, tenant),
    lastCheckpoint: async (prefix, atMost, tenant) => {
      const end = key('', tenant)
      let best: Checkpoint | undefined
      for (const [k, text] of checkpoints) {
        if (!k.startsWith(prefix) || !k.endsWith(end)) continue
        const checkpoint = JSON.parse(text) as Checkpoint
        if (checkpoint.position <= atMost && checkpoint.position > (best?.position ?? -1))
          best = checkpoint
      }
      return best
    },
    saveCheckpoint: (name, expected, checkpoint, tenant) =>
      mutex.run(async () => {
        assertOpen()
        const current = loadCheckpoint(name, tenant)
        if ((current?.position ?? null) !== expected) return false
        checkpoints.set(key(name, tenant), JSON.stringify(checkpoint))
        return true
      }),
    subscribe: (listener) => commits.subscribe(listener),
    close: async () => {
      closed = true
    },
  }
}
