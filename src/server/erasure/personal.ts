import { type JsonValue, StrataWireError } from '../../protocol'
import { ERASED, ERASURE_STREAM, type PersonalData, subjectOf } from '../../protocol/personal'
import type {
  PageRequest,
  ProjectedEvent,
  ReadRequest,
  Storage,
  StorageTx,
  StoredEvent,
} from '../types'
import { OpenedCache } from './cache'
import { KEY_BYTES, sync, web } from './crypto'
import {
  joined,
  type KeySource,
  openValues,
  pageKeys,
  type SealedFields,
  sealedFields,
} from './open'
import { openPage, openTextEvents } from './openText'
import type { ErasureTx } from './types'

/** The declared fields present in a payload, in declared order (the declaration's own list when all are). */
function presentFields(declared: readonly string[], payload: JsonValue): readonly string[] {
  for (const field of declared) {
    if (!Object.hasOwn(payload as object, field))
      return declared.filter((f) => Object.hasOwn(payload as object, f))
  }
  return declared
}

/**
 * What an append's sealing learned (the keys it used or made, the values it sealed), for the
 * cache, which takes it only once the transaction committed: a key made in a transaction that
 * rolls back is in no table, and sealing with it later would lose the fields for good.
 */
interface Learned {
  tenant: string
  generation: number
  keys: Map<string, Uint8Array>
  /** The whole payload as sent (how a reader sees it opened) and its sealed fields. */
  values: [position: number, text: string, fields: readonly string[]][]
}

/** What each transaction of `withErasure`'s append learned, by the transaction it gave. */
const learnedBy = new WeakMap<StorageTx, Learned[]>()

/**
 * The events as stored (`stored`: personal fields sealed with their subject's key, made on first
 * use) and as readers will see them (`read`: the fields of a subject forgotten before as the
 * placeholder, the others as sent), which inline projections fold.
 */
export async function sealEvents(
  tx: StorageTx,
  personal: PersonalData,
  tenant: string,
  events: readonly StoredEvent[],
  cache?: OpenedCache,
): Promise<{ stored: StoredEvent[]; read: readonly StoredEvent[] }> {
  const subjects = events.map((e) => subjectOf(personal, e.type, e.payload))
  const wanted = [...new Set(subjects.filter((s) => s !== undefined))]
  if (!wanted.length) return { stored: events as StoredEvent[], read: events }
  const erasure = erasureTx(tx)
  const learned = cache && learnedBy.get(tx)
  let generation = 0
  if (cache) {
    // The count of erasures as this transaction sees it: the cache's keys and values are good
    // while it stays the one they were had at, and what is sealed here is the readers' to see.
    const versions = await tx.streamVersions(tenant, [ERASURE_STREAM])
    generation = versions.get(ERASURE_STREAM) ?? 0
    cache.sync(tenant, generation)
  }
  // Keys the cache holds were committed (read by a reader, or learned from a committed append);
  // the others are read in one statement (per chunk) in this transaction.
  const keys = new Map<string, Uint8Array>()
  const unknown: string[] = []
  for (const subject of wanted) {
    const key = learned ? cache!.key(tenant, subject) : undefined
    if (key) keys.set(subject, key)
    else unknown.push(subject)
  }
  if (unknown.length)
    for (const [subject, key] of await erasure.subjectKeys(tenant, unknown)) keys.set(subject, key)
  const keyless = unknown.filter((s) => !keys.has(s))
  const forgotten = keyless.length
    ? await erasure.forgottenSubjects(tenant, keyless)
    : new Set<string>()
  const added = new Map<string, Uint8Array>()
  const fresh = keyless.filter((s) => !forgotten.has(s))
  const made = newKeys(fresh.length)
  for (let i = 0; i < fresh.length; i++) {
    keys.set(fresh[i]!, made[i]!)
    added.set(fresh[i]!, made[i]!)
  }
  if (added.size) await erasure.addSubjectKeys(tenant, added, firstsOf(events, subjects, added))
  const values: Learned['values'] = []
  learned?.push({ tenant, generation, keys, values })
  const out: StoredEvent[] = []
  let read: StoredEvent[] | undefined
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    const subject = subjects[i]
    const declared = subject === undefined ? undefined : personal[event.type]!.fields
    const fields = declared ? presentFields(declared, event.payload) : []
    if (!fields.length) {
      out.push(event)
      continue
    }
    const payload = { ...(event.payload as Record<string, JsonValue>) }
    if (forgotten.has(subject!)) {
      // Decided before the erasure (an offline client's), sent after it: stored erased.
      for (const field of fields) payload[field] = { ...ERASED }
      out.push(withPayload(event, payload))
      read ??= events.slice()
      read[i] = { ...event, payload: structuredClone(payload) }
      continue
    }
    const sealing: JsonValue[] = []
    for (const field of fields) sealing.push(payload[field]!)
    const field = fields === declared ? joined(fields) : fields.join(',')
    const place = { tenant, clientId: event.clientId, eventId: event.id, field }
    const key = keys.get(subject!)!
    const sealed = sync
      ? sync.seal(key, subject!, place, sealing)
      : await web.seal(key, subject!, place, sealing)
    if (learned) values.push([event.position, JSON.stringify(event.payload), fields])
    payload[fields[0]!] = sealed as never
    for (let f = 1; f < fields.length; f++) payload[fields[f]!] = { $enc: 'v2' }
    out.push(withPayload(event, payload))
  }
  return { stored: out, read: read ?? events }
}

/** The event with another payload, field by field: a spread is a generic copy, paid per event. */
const withPayload = (event: StoredEvent, payload: JsonValue): StoredEvent => ({
  position: event.position,
  tenantPosition: event.tenantPosition,
  tenant: event.tenant,
  clientId: event.clientId,
  clientSeq: event.clientSeq,
  id: event.id,
  stream: event.stream,
  streamVersion: event.streamVersion,
  type: event.type,
  payload,
  at: event.at,
  commandId: event.commandId,
  fingerprint: event.fingerprint,
})

/**
 * `count` new keys, from one call into the random source a chunk (one a key cost ~2-8 us, a
 * batch of 100 events with new subjects paid it 100 times); each key is its own copy, and the
 * shared bytes are zeroed once copied.
 */
function newKeys(count: number): Uint8Array[] {
  const keys: Uint8Array[] = []
  // getRandomValues fills at most 65,536 bytes a call.
  const chunk = Math.floor(65_536 / KEY_BYTES)
  for (let from = 0; from < count; from += chunk) {
    const n = Math.min(chunk, count - from)
    const bytes = crypto.getRandomValues(new Uint8Array(n * KEY_BYTES))
    for (let i = 0; i < n; i++) keys.push(bytes.slice(i * KEY_BYTES, (i + 1) * KEY_BYTES))
    bytes.fill(0)
  }
  return keys
}

/** The tenant position of each new key's first event (events come in position order). */
function firstsOf(
  events: readonly StoredEvent[],
  subjects: readonly (string | undefined)[],
  added: ReadonlyMap<string, Uint8Array>,
): Map<string, number> {
  const firsts = new Map<string, number>()
  for (let i = 0; i < events.length; i++) {
    const subject = subjects[i]
    if (subject !== undefined && added.has(subject) && !firsts.has(subject))
      firsts.set(subject, events[i]!.tenantPosition)
  }
  return firsts
}

/**
 * The events as readers see them: sealed fields opened with their subject's key, or the
 * placeholder `{ erased: true }` once the key is gone. Only the declared fields are opened: a
 * client's payload that happens to look like an envelope elsewhere is left as sent.
 */
export async function openEvents<E extends ProjectedEvent>(
  source: KeySource,
  personal: PersonalData,
  events: E[],
  cache?: OpenedCache,
): Promise<E[]> {
  if (!source.erasures) cache = undefined
  const wanted = new Map<string, Set<string>>()
  // What to open, one entry per sealed event (no tuples: a read opens thousands).
  const sealed: (SealedFields & { index: number })[] = []
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    const declared = Object.hasOwn(personal, event.type) ? personal[event.type] : undefined
    const payload = event.payload
    if (!declared || typeof payload !== 'object' || payload === null || Array.isArray(payload))
      continue
    const found = sealedFields(declared.fields, payload as Record<string, JsonValue>)
    if (!found) continue
    sealed.push({
      index: i,
      fields: found.fields,
      joined: found.joined,
      envelope: found.envelope,
    })
    const set = wanted.get(event.tenant)
    if (set) set.add(found.envelope.subject)
    else wanted.set(event.tenant, new Set([found.envelope.subject]))
  }
  if (!sealed.length) return events
  // The count each tenant's cache was synced at: what this read learns is kept only at it.
  const synced = new Map<string, number>()
  const keys = await pageKeys(source, wanted, cache, synced)
  const out = events.slice()
  let tenant: string | undefined
  let tenantKeys: Map<string, Uint8Array> | undefined
  for (const found of sealed) {
    const event = events[found.index]!
    if (event.tenant !== tenant) {
      tenant = event.tenant
      tenantKeys = keys.get(tenant)
    }
    const key = tenantKeys?.get(found.envelope.subject)
    const opening = openValues(key, event, found, cache, synced.get(event.tenant))
    const values = opening instanceof Promise ? await opening : opening
    const payload = { ...(event.payload as Record<string, JsonValue>) }
    for (const field of found.fields) {
      payload[field] = values && Object.hasOwn(values, field) ? values[field]! : { ...ERASED }
    }
    out[found.index] = { ...event, payload }
  }
  return out
}

/** The subject whose key sealed a stored event's personal fields (named in clear), if any. */
export function sealedSubject(personal: PersonalData, event: StoredEvent): string | undefined {
  const declared = Object.hasOwn(personal, event.type) ? personal[event.type] : undefined
  const payload = event.payload
  if (!declared || typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return undefined
  return sealedFields(declared.fields, payload as Record<string, JsonValue>)?.envelope.subject
}

export function erasureTx(tx: StorageTx): ErasureTx {
  const { subjectKeys, addSubjectKeys, deleteSubjectKey, forgottenSubjects, deleteCheckpoints } = tx
  if (
    !subjectKeys ||
    !addSubjectKeys ||
    !deleteSubjectKey ||
    !forgottenSubjects ||
    !deleteCheckpoints
  ) {
    throw new StrataWireError('internal', 'This storage adapter does not support erasure')
  }
  const { forgetDue } = tx
  return {
    subjectKeys,
    addSubjectKeys,
    deleteSubjectKey,
    forgottenSubjects,
    deleteCheckpoints,
    ...(forgetDue ? { forgetDue } : {}),
  }
}

/**
 * The store as the server reads it when some fields are personal: every event read (GET
 * /events, SSE's shared reads, projections, snapshots, an inline projection catching up) comes
 * out opened. Writes go through `sealEvents` in the append.
 */
export function withErasure(
  storage: Storage,
  personal: PersonalData,
  cache: OpenedCache | undefined = new OpenedCache(),
): Storage {
  const { subjectKeys, erasures } = storage
  if (!subjectKeys || !erasures) {
    throw new TypeError(
      `[strata] createEventServer({ personal }) needs a storage adapter with subject keys; ${storage.kind} has none (memoryStorage, sqliteStorage and postgresStorage do)`,
    )
  }
  const source: KeySource = {
    keys: (tenant, subjects) => subjectKeys.call(storage, tenant, subjects),
    erasures: (tenant) => erasures.call(storage, tenant),
  }
  const append: Storage['append'] = async (fn) => {
    let learned: Learned[] = []
    const result = await storage.append((tx) => {
      // Each attempt anew: what a transaction tried again (PostgreSQL) learned first is not so.
      learned = []
      const inner = erasureTx(tx)
      // No cache inside a transaction: a forget's own refold must not see what it drops.
      const readEvents: StorageTx['readEvents'] = async (after, limit, tenant) =>
        openEvents(
          { keys: (t, s) => inner.subjectKeys(t, s) },
          personal,
          await tx.readEvents(after, limit, tenant),
        )
      // Table projections read events too: opened, inside the append as outside.
      const tables = tx.tables && {
        ...tx.tables,
        readEvents: (after: number, limit: number, tenant?: string) =>
          readEvents(after, limit, tenant),
      }
      const opened: StorageTx = { ...tx, readEvents, ...(tables ? { tables } : {}) }
      learnedBy.set(opened, learned)
      return fn(opened)
    })
    // Committed: what it sealed is the readers' now, and its keys are in the table.
    for (const l of learned) cache?.learn(l.tenant, l.generation, l.keys, l.values)
    return result
  }
  const { tables } = storage
  return {
    ...storage,
    read: async (request) => {
      const result = await storage.read(request)
      return { ...result, events: await openEvents(source, personal, result.events, cache) }
    },
    // Opened as `read` is, without parsing what holds nothing sealed. A store without its own
    // (its `...storage` copied none) is read through `read` above, opened there.
    ...(storage.readText && {
      readText: async (request: ReadRequest) => {
        const result = await storage.readText!(request)
        const head = request.tenant === undefined ? undefined : result.head
        const events = await openTextEvents(source, personal, result.events, cache, head)
        return { ...result, events }
      },
    }),
    // A page's sealed rows are given apart and opened as `readText` above opens them; a store
    // that cannot give them apart holds such a page, read through `readText` then.
    ...(storage.readPage && {
      readPage: async (request: PageRequest) => {
        const types = Object.keys(personal)
        const ask: PageRequest = {
          ...request,
          held: { ...request.held, types: [...request.held.types, ...types] },
          sealed: types,
        }
        // Rows whose payload the cache holds opened need not be sent (a hint: checked again
        // once the cache is synced after the read; the page is read again when it fails).
        const { tenant } = request
        const opened = cache
          ? (position: number) => cache.text(tenant, position) !== undefined
          : undefined
        const within = cache?.span(tenant)
        const page = await storage.readPage!(
          opened ? { ...ask, opened, ...(within && { openedWithin: within }) } : ask,
        )
        if (!page?.sealed) return page
        const served = await openPage(source, personal, page, cache)
        if (served || !opened) return served
        const again = await storage.readPage!(ask)
        return again?.sealed ? openPage(source, personal, again, cache) : again
      },
    }),
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
                  readEvents: async (after, limit, tenant) =>
                    openEvents(source, personal, await tx.readEvents(after, limit, tenant)),
                }),
              ),
      },
    }),
  }
}
