import { type JsonValue, StrataWireError, type WireEvent } from '../../protocol'
import { ERASED, type PersonalData, subjectOf } from '../../protocol/personal'
import { eventContent } from '../fingerprint'
import type { Storage, StorageTx, StoredEvent } from '../types'
import { type Envelope, isEnvelope, newKey, open, seal } from './crypto'
import type { ErasureTx } from './types'

type Keys = (tenant: string, subjects: readonly string[]) => Promise<Map<string, Uint8Array>>

/**
 * The content a fingerprint covers when an event has personal fields: each of their values is
 * left out (`{"$personal":<subject>}` in its place). A hash of the plaintext would outlive the
 * key, and a name or an address is easily guessed back from its hash; a hash over the
 * ciphertext would differ on every retry (random IVs). The price: a retry that changed only a
 * personal value is taken for the same event.
 */
export function redactedContent(personal: PersonalData, event: WireEvent): string | undefined {
  const subject = subjectOf(personal, event.type, event.payload)
  if (subject === undefined) return undefined
  const payload = { ...(event.payload as Record<string, JsonValue>) }
  for (const field of personal[event.type]!.fields) {
    if (Object.hasOwn(payload, field)) payload[field] = { $personal: subject }
  }
  return eventContent({ ...event, payload })
}

/** The events as stored: personal fields sealed with their subject's key, made on first use. */
export async function sealEvents(
  tx: StorageTx,
  personal: PersonalData,
  tenant: string,
  events: readonly StoredEvent[],
): Promise<StoredEvent[]> {
  const subjects = events.map((e) => subjectOf(personal, e.type, e.payload))
  const wanted = subjects.filter((s) => s !== undefined)
  if (!wanted.length) return events as StoredEvent[]
  const erasure = erasureTx(tx)
  const keys = await erasure.subjectKeys(tenant, wanted)
  const added = new Map<string, Uint8Array>()
  for (const subject of wanted) {
    if (!keys.has(subject)) {
      const key = newKey()
      keys.set(subject, key)
      added.set(subject, key)
    }
  }
  if (added.size) await erasure.addSubjectKeys(tenant, added)
  const out: StoredEvent[] = []
  for (const [i, event] of events.entries()) {
    const subject = subjects[i]
    if (subject === undefined) {
      out.push(event)
      continue
    }
    const payload = { ...(event.payload as Record<string, JsonValue>) }
    for (const field of personal[event.type]!.fields) {
      if (!Object.hasOwn(payload, field)) continue
      const place = { tenant, eventId: event.id, field }
      payload[field] = (await seal(keys.get(subject)!, subject, place, payload[field]!)) as never
    }
    out.push({ ...event, payload })
  }
  return out
}

/**
 * The events as readers see them: sealed fields opened with their subject's key, or the
 * placeholder `{ erased: true }` once the key is gone. Only the declared fields are opened: a
 * client's payload that happens to look like an envelope elsewhere is left as sent.
 */
export async function openEvents<E extends StoredEvent>(
  keysOf: Keys,
  personal: PersonalData,
  events: E[],
): Promise<E[]> {
  const wanted = new Map<string, Set<string>>()
  const sealed: [number, string, Envelope][] = []
  events.forEach((event, i) => {
    const declared = Object.hasOwn(personal, event.type) ? personal[event.type] : undefined
    const payload = event.payload
    if (!declared || typeof payload !== 'object' || payload === null || Array.isArray(payload))
      return
    for (const field of declared.fields) {
      const value = payload[field]
      if (!isEnvelope(value)) continue
      sealed.push([i, field, value])
      const set = wanted.get(event.tenant) ?? new Set()
      set.add(value.subject)
      wanted.set(event.tenant, set)
    }
  })
  if (!sealed.length) return events
  const keys = new Map<string, Map<string, Uint8Array>>()
  for (const [tenant, subjects] of wanted) keys.set(tenant, await keysOf(tenant, [...subjects]))
  const out = events.slice()
  for (const [i, field, envelope] of sealed) {
    const event = out[i]!
    const key = keys.get(event.tenant)?.get(envelope.subject)
    const value =
      key && (await open(key, { tenant: event.tenant, eventId: event.id, field }, envelope))
    const payload = { ...(event.payload as Record<string, JsonValue>) }
    payload[field] = value === undefined ? { ...ERASED } : value
    out[i] = { ...event, payload }
  }
  return out
}

export function erasureTx(tx: StorageTx): ErasureTx {
  const { subjectKeys, addSubjectKeys, deleteSubjectKey, deleteCheckpoints } = tx
  if (!subjectKeys || !addSubjectKeys || !deleteSubjectKey || !deleteCheckpoints) {
    throw new StrataWireError('internal', 'This storage adapter does not support erasure')
  }
  return { subjectKeys, addSubjectKeys, deleteSubjectKey, deleteCheckpoints }
}

/**
 * The store as the server reads it when some fields are personal: every event read (GET
 * /events, SSE's shared reads, projections, snapshots, an inline projection catching up) comes
 * out opened. Writes go through `sealEvents` in the append.
 */
export function withErasure(storage: Storage, personal: PersonalData): Storage {
  const { subjectKeys } = storage
  if (!subjectKeys) {
    throw new TypeError(
      `[strata] createEventServer({ personal }) needs a storage adapter with subject keys; ${storage.kind} has none (memoryStorage, sqliteStorage and postgresStorage do)`,
    )
  }
  const keys: Keys = (tenant, subjects) => subjectKeys.call(storage, tenant, subjects)
  const append: Storage['append'] = (fn) =>
    storage.append((tx) => {
      const inner = erasureTx(tx)
      const readEvents: StorageTx['readEvents'] = async (after, limit, tenant) =>
        openEvents(
          (t, s) => inner.subjectKeys(t, s),
          personal,
          await tx.readEvents(after, limit, tenant),
        )
      // Table projections read events too: opened, inside the append as outside.
      const tables = tx.tables && {
        ...tx.tables,
        readEvents: (after: number, limit: number) => readEvents(after, limit),
      }
      return fn({ ...tx, readEvents, ...(tables ? { tables } : {}) })
    })
  const { tables } = storage
  return {
    ...storage,
    read: async (request) => {
      const result = await storage.read(request)
      return { ...result, events: await openEvents(keys, personal, result.events) }
    },
    append,
    ...(tables && {
      tables: {
        ...tables,
        // SQLite's table writes are appends (one writer): through the opened append. PostgreSQL's
        // run beside the appends and read keys from the pool.
        write: (fn) =>
          tables.dialect.kind === 'sqlite'
            ? append((tx) => fn(tx.tables!))
            : tables.write((tx) =>
                fn({
                  ...tx,
                  readEvents: async (after, limit) =>
                    openEvents(keys, personal, await tx.readEvents(after, limit)),
                }),
              ),
      },
    }),
  }
}
