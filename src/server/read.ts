import { encodeToken, PROTOCOL_VERSION, parseReadEventsQuery, StrataWireError } from '../protocol'
import { ERASURE_STREAM } from '../protocol/personal'
import { canRead, tenantOf } from './auth'
import type { Fanout, Waiting } from './fanout'
import { fromStorage } from './respond'
import { readServed, seenBy } from './served'
import { holderOf, type Slots } from './slots'
import { fitting } from './storage/text'
import type {
  Limits,
  PageResult,
  Principal,
  ReadRequest,
  Storage,
  TextEvent,
  TextReadResult,
} from './types'

/**
 * The event as a client sees it (at its tenant position; the global one stays inside), as JSON
 * text with the payload spliced in as stored: each field encoded as `JSON.stringify` does.
 */
export function wireText(event: TextEvent): string {
  return `{"position":"${encodeToken(event.tenantPosition)}","clientId":${JSON.stringify(event.clientId)},"clientSeq":${event.clientSeq},"id":${JSON.stringify(event.id)},"stream":${JSON.stringify(event.stream)},"streamVersion":${event.streamVersion},"type":${JSON.stringify(event.type)},"payload":${event.payloadText},"at":${JSON.stringify(event.at)},"commandId":${JSON.stringify(event.commandId)}}`
}

/**
 * `GET /events`: the caller's tenant's events after a token, in tenant position order. With
 * `wait`, a long poll: it answers as soon as the tenant has events after the token, or empty at
 * the end. The next token is the last position looked at, so events the caller may not read are
 * skipped over instead of being read again.
 */
export async function readEvents(
  { storage, fanout, polls }: ReadDeps,
  limits: Limits,
  principal: Principal,
  url: URL,
  signal: AbortSignal,
): Promise<string> {
  const query = parseReadEventsQuery(url.searchParams, {
    defaultLimit: limits.defaultReadLimit,
    maxLimit: limits.maxReadLimit,
    maxWaitMs: limits.maxWaitMs,
  })
  const tenant = tenantOf(principal)
  for (const [i, stream] of (query.streams ?? []).entries()) {
    if (!canRead(principal, stream)) {
      throw new StrataWireError(
        'forbidden',
        `Principal ${JSON.stringify(principal.id)} may not read stream ${JSON.stringify(stream)}`,
        {
          path: ['stream', i],
        },
      )
    }
  }
  const request = {
    after: query.after,
    limit: query.limit,
    tenant,
    // Erasures reach a reader of some streams too: it may hold the subject's fields from them.
    streams: query.streams && [...query.streams, ERASURE_STREAM],
    clientIds: query.clientId === undefined ? undefined : [query.clientId],
    maxBytes: limits.maxReadBytes,
  }
  // A long poll registers before its first read, so a commit in between is not missed.
  const release = query.wait > 0 ? polls.take(holderOf(principal)) : undefined
  const waiting =
    query.wait > 0
      ? fanout.wait({ ...request, clientId: query.clientId }, query.wait, signal)
      : undefined
  try {
    const written = waiting ? undefined : await fromStorage(storePage(storage, principal, request))
    if (written) return respond(written, query.after, query.limit, principal, query.clientId)
    const result = waiting
      ? await fromStorage(longPoll({ storage, fanout }, principal, request, waiting, query, signal))
      : await fromStorage(readServed(storage, principal, request))
    const page = visible(result, principal, limits.maxReadBytes)
    return respond(page, query.after, query.limit, principal, query.clientId)
  } finally {
    waiting?.cancel()
    release?.()
  }
}

/**
 * A long poll's read: the first with events after the position, or the last at the wait's end.
 * For a principal of some streams, a read of only events it is not served (a commit to streams
 * it may not read) is no answer: it waits again from the head looked at, so its wake-ups never
 * tell it when others write there (as its SSE pokes, visibleHeads.ts).
 */
async function longPoll(
  { storage, fanout }: Pick<ReadDeps, 'storage' | 'fanout'>,
  principal: Principal,
  request: ReadRequest & { tenant: string },
  first: Waiting,
  query: { wait: number; clientId?: string | undefined },
  signal: AbortSignal,
): Promise<TextReadResult> {
  const deadline = Date.now() + query.wait
  let waiting = first
  let from = request.after
  let result = await readServed(storage, principal, request)
  /** Whether `result` is a shared wake-up read, looked at with no I/O since. */
  let woke: boolean
  try {
    for (;;) {
      woke = false
      if (!result.events.length && result.head === from) {
        // The shared wake-up read is the store's page: read on past what the principal is not served.
        const woken = await waiting.result
        woke = woken !== undefined && !(woken.cut && principal.canRead !== undefined)
        if (woken)
          result = woke ? woken : await readServed(storage, principal, { ...request, after: from })
      }
      const answer =
        principal.canRead === undefined || result.events.some((e) => seenBy(principal, e))
      const left = deadline - Date.now()
      // A page full (limit, budget) of what it is not served is no answer either: on past it.
      const full = result.cut || result.events.length >= request.limit
      const next = full ? (result.events.at(-1)?.tenantPosition ?? result.head) : result.head
      if (answer || next <= from || left <= 0 || signal.aborted) return result
      from = next
      if (waiting !== first) waiting.cancel()
      waiting = fanout.wait({ ...request, after: from, clientId: query.clientId }, left, signal)
      // Waiting again in the turn its wake-up read came, it misses no commit (the fanout reads
      // again for one heard while that read ran): no read of its own, so 1,000 such polls cost
      // one shared read a commit. After a read of its own, a commit may have come between.
      result =
        woke && from === result.head
          ? { ...result, events: [], head: from, cut: false }
          : await readServed(storage, principal, { ...request, after: from })
    }
  } finally {
    if (waiting !== first) waiting.cancel()
  }
}

/** What `GET /events` reads through: the store, the shared wake-ups, the long-poll slots. */
export interface ReadDeps {
  storage: Storage
  fanout: Fanout
  polls: Slots
}

/**
 * The page the store writes itself (`Storage.readPage`), when every event it reads may be
 * served to the principal as stored: one that reads every stream, or one whose request names
 * its streams (each checked by `readEvents`). The erasure stream, read beside those, is then
 * held unless the principal may read it: only its notices are served (`visible`).
 */
async function storePage(
  storage: Storage,
  principal: Principal,
  request: ReadRequest & { tenant: string },
): Promise<PageResult | undefined> {
  const all = principal.canRead === undefined
  if (!storage.readPage || (!all && !request.streams)) return undefined
  const streams = all || canRead(principal, ERASURE_STREAM) ? [] : [ERASURE_STREAM]
  const page = await storage.readPage({ ...request, held: { types: [], streams } })
  // Rows given apart are written only by whoever asked for them (erasure): never as they are.
  return page?.sealed ? undefined : page
}

/**
 * The events of a read the principal may see, written, as a page of what was read: up to the
 * first that would take it past its byte budget (the read may hold more: `ReadRequest.maxBytes`).
 */
function visible(result: TextReadResult, principal: Principal, maxBytes: number): PageResult {
  const events: string[] = []
  /** Where in the read each written event is. */
  const at: number[] = []
  const read = result.events
  for (let i = 0; i < read.length; i++) {
    const e = read[i]!
    if (seenBy(principal, e)) {
      events.push(wireText(e))
      at.push(i)
    }
  }
  const kept = fitting(events, maxBytes)
  // Cut: what was looked at ends just before the first event left out.
  const count = kept < events.length ? at[kept]! : read.length
  return {
    text: (kept < events.length ? events.slice(0, kept) : events).join(','),
    count,
    last: count ? read[count - 1]!.tenantPosition : 0,
    head: result.head,
    clients: result.clients,
    cut: kept < events.length || result.cut,
  }
}

/**
 * The answer's JSON text, written around the events' text (`ReadEventsResponse`'s fields in its
 * order): an event nobody needed to open is never parsed nor encoded again.
 */
function respond(
  page: PageResult,
  after: number,
  limit: number,
  principal: Principal,
  clientId: string | undefined,
): string {
  if (after > page.head) {
    // Tokens come from this store, and commits are visible to every reader at once: a token
    // ahead of the tenant's head means the store was reset or replaced. Start over.
    throw new StrataWireError(
      'bad_token',
      `The token is ahead of this store (head ${page.head}); was the store reset? Read again from the start`,
      {
        path: ['after'],
        details: { head: encodeToken(page.head) },
      },
    )
  }
  // A page cut at its byte budget has looked at no event after its last one.
  const scanned = page.count === limit || page.cut ? page.last : page.head
  let text = `{"protocol":${PROTOCOL_VERSION},"events":[${page.text}],"token":"${encodeToken(scanned)}","head":"${encodeToken(page.head)}","hasMore":${scanned < page.head}`
  if (clientId !== undefined) {
    // Another principal's client reads as one that does not exist: nobody learns from this
    // answer which ids are taken (the store keys clients by tenant, so no other tenant's is).
    const client = page.clients.find((c) => c.clientId === clientId)
    text += `,"lastSeq":${client && client.principalId === principal.id ? client.lastSeq : 0}`
  }
  return `${text}}`
}
