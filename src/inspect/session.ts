import type { AnyEvent, LoadData, LoadedEvent, RecordedCtx, Store } from '@strata/state'
import { InspectError } from './errors'

/**
 * The session file the panel exports and imports: the shape of `@strata/state/testing`'s
 * `Session` (format "strata.session", version 1), so either side reads the other's files. This
 * writer is the fallback for when no `exportSession` is given: plain JSON, so Dates, Maps and
 * other values JSON cannot hold do not survive it.
 */
export interface SessionData {
  format: 'strata.session'
  version: 1
  meta: { recordedAt: string; app?: string; codeVersion?: string; description?: string }
  initialState: unknown
  eventVersions: Record<string, number>
  commands: {
    id: string
    command: AnyEvent
    at: number
    ctx?: RecordedCtx
    eventIds: string[]
    error?: string
  }[]
  events: {
    id: string
    event: AnyEvent
    at: number
    commandId?: string
    skipped?: true
    origin?: 'remote'
    position?: string
    error?: string
    /** Not in the testing format: why a server refused it. Exported as skipped, so replay agrees. */
    rejected?: string
  }[]
  checkpoints: { index: number; state: unknown }[]
}

export const SESSION_FORMAT = 'strata.session'
export const SESSION_VERSION = 1

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

export function toSession(store: Store<any, any, any>, app?: string): SessionData {
  const { commands, events, states } = store.logs
  return {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    meta: { recordedAt: new Date().toISOString(), ...(app ? { app } : {}) },
    initialState: states.at(0),
    eventVersions: {},
    commands: commands.map((c) => ({
      id: c.id,
      command: c.command,
      at: c.at,
      ...(c.ctx ? { ctx: c.ctx } : {}),
      eventIds: [...c.eventIds],
      ...(c.error !== undefined ? { error: messageOf(c.error) } : {}),
    })),
    events: events.map((e) => ({
      id: e.id,
      event: e.event,
      at: e.at,
      ...(e.commandId !== undefined ? { commandId: e.commandId } : {}),
      ...(e.skipped || e.rejected !== undefined ? { skipped: true as const } : {}),
      ...(e.origin === 'remote' ? { origin: 'remote' as const } : {}),
      ...(e.position !== undefined ? { position: e.position } : {}),
      ...(e.error !== undefined ? { error: messageOf(e.error) } : {}),
      ...(e.rejected !== undefined ? { rejected: messageOf(e.rejected) } : {}),
    })),
    checkpoints: [{ index: events.length, state: states.at(events.length) }],
  }
}

/**
 * What `store.history.load` takes from a session: its initial state, its events (ids, skip
 * flags, origins and positions kept; reducer errors are recomputed) and its commands (with the
 * `ctx` values their handlers used, so a hot reload of the handlers re-runs them exactly).
 */
export function loadDataOf(session: SessionData): LoadData<unknown> {
  return {
    initialState: session.initialState,
    events: session.events.map((e) => {
      const entry: LoadedEvent = {
        id: e.id,
        event: e.event as LoadedEvent['event'],
        at: e.at,
        commandId: e.commandId,
        // A rejected event is exported as skipped (so replay agrees); it is not applied anyway.
        skipped: e.skipped === true && e.rejected === undefined,
        origin: e.origin === 'remote' ? 'remote' : 'local',
        position: e.position,
      }
      if (e.rejected !== undefined) entry.rejected = e.rejected
      return entry
    }),
    commands: session.commands.map((c) => ({
      id: c.id,
      command: c.command as LoadedEvent['event'],
      at: c.at,
      ctx: c.ctx,
      eventIds: c.eventIds,
      error: c.error,
    })),
  }
}

/** Parses and checks the header and the arrays of a session file; says what was wrong. */
export function parseSession(text: string): SessionData {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new InspectError('bad-request', 'The file is not JSON: is it a session export?', {
      cause: error,
    })
  }
  const s = raw as Partial<SessionData> | null
  if (typeof s !== 'object' || s === null || s.format !== SESSION_FORMAT) {
    throw new InspectError(
      'bad-request',
      `Expected a session file with format "${SESSION_FORMAT}", received ${JSON.stringify((s as { format?: unknown } | null)?.format)}.`,
    )
  }
  if (s.version !== SESSION_VERSION) {
    throw new InspectError(
      'version',
      `This panel reads "${SESSION_FORMAT}" version ${SESSION_VERSION}; the file is version ${JSON.stringify(s.version)}.`,
    )
  }
  if (!Array.isArray(s.events) || !Array.isArray(s.commands) || !('initialState' in s)) {
    throw new InspectError(
      'bad-request',
      'A session needs `initialState`, `commands` and `events`.',
    )
  }
  return s as SessionData
}
