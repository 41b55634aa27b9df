import type { JsonValue } from '../../protocol'
import { Mutex } from '../mutex'
import { Signal } from '../signal'
import type {
  Checkpoint,
  ClientRecord,
  ReadRequest,
  ReadResult,
  Receipt,
  Rejection,
  Storage,
  StorageTx,
  StoredEvent,
} from '../types'

interface Staged {
  events: StoredEvent[]
  rejections: Rejection[]
  clients: Map<string, ClientRecord>
  checkpoints: Map<string, string>
}

const key = (a: string, b: string | number) => `${a}\u0000${b}`

/**
 * Everything in memory: the default for tests, stories and the msw mock. Writes of an append are
 * staged and applied only when it returns, so a throwing append leaves nothing behind, as a
 * database rollback would. Checkpoint states are kept as JSON text so no caller can mutate them.
 */
export function memoryStorage(): Storage {
  const events: StoredEvent[] = []
  const clients = new Map<string, ClientRecord>()
  const rejections = new Map<string, Rejection>()
  const streamVersions = new Map<string, number>()
  /** Position by clientId and event id: ids are unique per client, as the SQL indexes say. */
  const ids = new Map<string, number>()
  const bySeq = new Map<string, StoredEvent>()
  const checkpoints = new Map<string, string>()
  const mutex = new Mutex()
  const heads = new Signal<number>()
  let closed = false

  const assertOpen = () => {
    if (closed) throw new Error('[strata] memoryStorage is closed')
  }
  const loadCheckpoint = (name: string, staged?: Staged): Checkpoint | undefined => {
    const text = staged?.checkpoints.get(name) ?? checkpoints.get(name)
    return text === undefined ? undefined : (JSON.parse(text) as Checkpoint)
  }

  const makeTx = (staged: Staged): StorageTx => ({
    head: async () => events.length + staged.events.length,
    client: async (clientId) => {
      const client = staged.clients.get(clientId) ?? clients.get(clientId)
      return client && { ...client }
    },
    receipts: async (clientId, fromSeq, toSeq) => {
      const out: Receipt[] = []
      for (let seq = fromSeq; seq <= toSeq; seq++) {
        const event = bySeq.get(key(clientId, seq))
        const rejection = rejections.get(key(clientId, seq))
        if (event)
          out.push({
            clientSeq: seq,
            fingerprint: event.fingerprint,
            position: event.position,
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
    existingIds: async (clientId, list) => {
      const out = new Map<string, number>()
      for (const id of list) {
        const position = ids.get(key(clientId, id))
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
      staged.clients.set(client.clientId, { ...client })
    },
    readEvents: async (after, limit) => events.slice(after, after + limit),
    loadCheckpoint: async (name) => loadCheckpoint(name, staged),
    saveCheckpoint: async (name, checkpoint) => {
      staged.checkpoints.set(name, JSON.stringify(checkpoint))
    },
  })

  /** Refuses what a database's constraints would, before anything is applied (atomic). */
  const check = (staged: Staged) => {
    const fresh = new Set<string>()
    staged.events.forEach((event, i) => {
      if (event.position !== events.length + 1 + i)
        throw new Error('[strata] positions must be dense')
      const k = key(event.clientId, event.id)
      if (ids.has(k) || fresh.has(k))
        throw new Error(
          `[strata] client ${JSON.stringify(event.clientId)} already stored event id ${JSON.stringify(event.id)}`,
        )
      fresh.add(k)
    })
  }

  const commit = (staged: Staged) => {
    check(staged)
    for (const event of staged.events) {
      events.push(event)
      bySeq.set(key(event.clientId, event.clientSeq), event)
      ids.set(key(event.clientId, event.id), event.position)
      streamVersions.set(key(event.tenant, event.stream), event.streamVersion)
    }
    for (const r of staged.rejections) rejections.set(key(r.clientId, r.clientSeq), r)
    for (const [id, client] of staged.clients) clients.set(id, client)
    for (const [name, text] of staged.checkpoints) checkpoints.set(name, text)
  }

  return {
    kind: 'memory',
    append: (fn) =>
      mutex.run(async () => {
        assertOpen()
        const staged: Staged = {
          events: [],
          rejections: [],
          clients: new Map(),
          checkpoints: new Map(),
        }
        const result = await fn(makeTx(staged))
        assertOpen()
        commit(staged)
        if (staged.events.length) heads.emit(events.length)
        return result
      }),
    read: async (request: ReadRequest): Promise<ReadResult> => {
      assertOpen()
      const out: StoredEvent[] = []
      const streams = request.streams && new Set(request.streams)
      for (let i = request.after; i < events.length && out.length < request.limit; i++) {
        const event = events[i]!
        if (request.tenant !== undefined && event.tenant !== request.tenant) continue
        if (streams && !streams.has(event.stream)) continue
        out.push({ ...event, payload: structuredClone(event.payload) as JsonValue })
      }
      const client = request.clientId === undefined ? undefined : clients.get(request.clientId)
      return { events: out, head: events.length, client: client && { ...client } }
    },
    head: async () => events.length,
    loadCheckpoint: async (name) => loadCheckpoint(name),
    saveCheckpoint: (name, expected, checkpoint) =>
      mutex.run(async () => {
        assertOpen()
        const current = loadCheckpoint(name)
        if ((current?.position ?? null) !== expected) return false
        checkpoints.set(name, JSON.stringify(checkpoint))
        return true
      }),
    subscribe: (listener) => heads.subscribe(listener),
    close: async () => {
      closed = true
    },
  }
}
