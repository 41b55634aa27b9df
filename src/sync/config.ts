import type { AnyEvent } from '@strata/state'
import { isDevelopment, warnOnce } from '../core/errors'
import type { JsonValue } from '../protocol/index'
import type { SyncConfig } from './context'
import { idbStorage } from './idbStorage'
import { memoryStorage, type OutboxStorage } from './storage'
import type { EventCodec, SyncOptions } from './types'

/**
 * Store events travel as `{ type, payload }`. Other fields (a Redux action's `text`) are not
 * sent; a `codec` maps such events.
 */
export const defaultCodec: EventCodec = {
  encode(event) {
    if (isDevelopment()) {
      const extra = Object.keys(event).filter((k) => k !== 'type' && k !== 'payload')
      if (extra.length) {
        warnOnce(
          `Event ${JSON.stringify(event.type)} has fields other than type and payload (${extra.join(', ')}); ` +
            'only type and payload are sent. Put the data in `payload`, or pass a `codec` to connectSync.',
        )
      }
    }
    const payload = (event as { payload?: JsonValue }).payload
    return payload === undefined ? { type: event.type } : { type: event.type, payload }
  },
  // The server stores a missing payload as null; give such events back without one.
  decode: ({ type, payload }) => (payload === null ? { type } : { type, payload }),
}

function positive(value: number | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value >= min) || !Number.isFinite(value)) {
    throw new TypeError(
      `[strata] connectSync expects \`${name}\` to be a number ≥ ${min}, received ${String(value)}.`,
    )
  }
  return value
}

export function resolveConfig(options: SyncOptions<any>): SyncConfig {
  const live = options.live ?? 'poll'
  if (!['poll', 'sse', 'off'].includes(live)) {
    throw new TypeError(
      `[strata] connectSync expects \`live\` to be 'poll', 'sse' or 'off', received ${JSON.stringify(live)}.`,
    )
  }
  return {
    maxEvents: Math.floor(positive(options.batch?.maxEvents, 'batch.maxEvents', 100)),
    maxDelayMs: positive(options.batch?.maxDelayMs, 'batch.maxDelayMs', 20, 0),
    retry: options.retry ?? {},
    live,
    pollWaitMs: positive(options.pollWaitMs, 'pollWaitMs', 25_000, 0),
    pullLimit:
      options.pullLimit === undefined ? undefined : positive(options.pullLimit, 'pullLimit', 100),
    streams: options.streams,
    idlePollMs: positive(options.idlePollMs, 'idlePollMs', 1000),
    leaseMs: positive(options.leaseMs, 'leaseMs', 10_000),
    requestTimeoutMs: positive(options.requestTimeoutMs, 'requestTimeoutMs', 30_000),
    personal: options.personal,
  }
}

const memoryOutboxes = new WeakMap<object, OutboxStorage>()

/**
 * One memory outbox per store: connecting the same store again (React effects run twice) keeps
 * its clientId and sequence, so a resent event is a duplicate to the server, not a new event.
 */
export function memoryOutboxFor(store: object): OutboxStorage {
  let outbox = memoryOutboxes.get(store)
  if (!outbox) {
    outbox = memoryStorage()
    memoryOutboxes.set(store, outbox)
  }
  return outbox
}

/** IndexedDB when there is one, else memory (with a warning: a reload would lose events). */
export function resolveStorage(options: SyncOptions<any>, store: object): OutboxStorage {
  if (options.persist === false) return memoryOutboxFor(store)
  const factory = options.persist?.indexedDB ?? globalThis.indexedDB
  if (!factory) {
    warnOnce(
      'No IndexedDB here, so the outbox is kept in memory and a reload loses unsent events. ' +
        'Pass `persist: false` to say that is intended, or `persist: { indexedDB }` to give one.',
    )
    return memoryOutboxFor(store)
  }
  return idbStorage({ ...options.persist, indexedDB: factory })
}

/** The store event's `type`/`payload` on the wire, checked to be an event. */
export function streamOfOption<E extends AnyEvent>(options: SyncOptions<E>) {
  const streamOf = options.streamOf
  if (streamOf !== undefined && typeof streamOf !== 'function') {
    throw new TypeError(
      `[strata] connectSync expects \`streamOf\` to be a function (event) => string, received ${typeof streamOf}.`,
    )
  }
  return (streamOf ?? (() => 'default')) as (event: AnyEvent) => string
}
