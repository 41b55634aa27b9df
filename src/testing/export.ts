import type { Store } from '@strata/state'
import { messageOf, usage } from './errors'
import {
  SESSION_FORMAT,
  SESSION_VERSION,
  type Session,
  type SessionCommand,
  type SessionEvent,
  type SessionMeta,
} from './format'
import { hasher } from './hash'
import { currentVersion, type EventSchemas } from './upcast'

export interface ExportOptions {
  app?: string
  /** A label for the code that recorded the session: a version, a commit, a build id. */
  codeVersion?: string
  description?: string
  /**
   * Keep the state every this many events, besides the final one. Default: every 100 events,
   * or fewer so that a long session keeps at most about 50 states.
   */
  checkpointEvery?: number
  /**
   * Keep a hash of the state after every event, so replay names the exact first event after
   * which today's state differs. Without them it can only name the stretch between checkpoints.
   * Default true.
   */
  hashes?: boolean
  /** Today's event types and versions, recorded so later code can upcast the events. */
  events?: EventSchemas
  /** The export time. Default now. */
  recordedAt?: Date
}

/**
 * Takes what a store recorded as a session: its base state, commands (with their ctx values),
 * events (with skipped flags), the states every `checkpointEvery` events and the final state.
 *
 * @example
 * const text = serializeSession(exportSession(store, { app: 'todos', codeVersion: '1.4.0' }))
 */
export function exportSession<S>(
  store: Store<S, any, any>,
  options: ExportOptions = {},
): Session<S> {
  if (typeof store !== 'object' || store === null || typeof store.logs !== 'object') {
    usage(`exportSession expects a store made by createStore, received ${String(store)}.`)
  }
  const { logs } = store
  const entries = logs.events
  // A windowed store holds only its recent history: states are read at history indexes.
  const from = store.history.start
  const every = options.checkpointEvery ?? Math.max(100, Math.ceil(entries.length / 50))
  if (!Number.isInteger(every) || every < 1) {
    usage(`exportSession: checkpointEvery must be a positive integer, received ${String(every)}.`)
  }
  const present = new Set(entries.map((e) => e.id))
  // A command whose first events were folded away by history.limit cannot be re-run alone.
  const whole = logs.commands.filter((c) => c.eventIds.every((id) => present.has(id)))
  const kept = new Set(whole.map((c) => c.id))
  const hash = options.hashes === false ? undefined : hasher()
  const events = entries.map((e, i): SessionEvent => {
    const out: SessionEvent = { id: e.id, event: e.event, at: e.at }
    if (e.commandId !== undefined && kept.has(e.commandId)) out.commandId = e.commandId
    // A server-rejected event was never applied: replay skips it, and the reason is kept.
    if (e.skipped || e.rejected !== undefined) out.skipped = true
    if (e.rejected !== undefined) out.rejected = messageOf(e.rejected)
    if (e.origin === 'remote') out.origin = 'remote'
    if (e.position !== undefined) out.position = e.position
    if (e.error !== undefined) out.error = messageOf(e.error)
    if (hash) out.hash = hash(logs.states.at(from + i + 1))
    return out
  })
  const commands = whole.map((c): SessionCommand => {
    const out: SessionCommand = {
      id: c.id,
      command: c.command,
      at: c.at,
      eventIds: [...c.eventIds],
    }
    if (c.ctx !== undefined) out.ctx = structuredClone(c.ctx)
    if (c.error !== undefined) out.error = messageOf(c.error)
    return out
  })
  const checkpoints = []
  for (let index = every; index < events.length; index += every) {
    checkpoints.push({ index, state: logs.states.at(from + index) })
  }
  checkpoints.push({ index: events.length, state: logs.states.at(from + events.length) })
  const eventVersions: Record<string, number> = {}
  for (const { event } of events) {
    const schema = options.events?.[event.type]
    eventVersions[event.type] ??= currentVersion(event.type, schema)
  }
  return {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    meta: meta(options, from, from + events.length),
    initialState: logs.states.at(from),
    eventVersions,
    commands,
    events,
    checkpoints,
  }
}

function meta(options: ExportOptions, from: number, to: number): SessionMeta {
  const out: SessionMeta = { recordedAt: (options.recordedAt ?? new Date()).toISOString() }
  if (from > 0) out.range = { from, to }
  if (options.app !== undefined) out.app = options.app
  if (options.codeVersion !== undefined) out.codeVersion = options.codeVersion
  if (options.description !== undefined) out.description = options.description
  return out
}
