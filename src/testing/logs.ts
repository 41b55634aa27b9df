import type { LoadData, LoadedCommand, LoadedEvent } from '@strata/state'
import type { Session } from './format'

/**
 * What `store.history.load` takes from a session: its initial state, its events (ids, skip
 * flags, origins and positions kept; reducer errors are recomputed) and its commands (with the
 * `ctx` values their handlers used, so a hot reload of the handlers re-runs them exactly).
 *
 * @example
 * store.history.load(sessionLogs(loadSession(text)))
 */
export function sessionLogs<S>(session: Session<S>): LoadData<S> {
  return {
    initialState: session.initialState,
    events: session.events.map((e): LoadedEvent => {
      const entry: LoadedEvent = {
        id: e.id,
        event: e.event as LoadedEvent['event'],
        at: e.at,
        commandId: e.commandId,
        // A rejected event is written as skipped too (so replay agrees); it is never applied.
        skipped: e.skipped === true && e.rejected === undefined,
        origin: e.origin === 'remote' ? 'remote' : 'local',
        position: e.position,
      }
      if (e.rejected !== undefined) entry.rejected = e.rejected
      return entry
    }),
    commands: session.commands.map(
      (c): LoadedCommand => ({
        id: c.id,
        command: c.command as LoadedCommand['command'],
        at: c.at,
        ctx: c.ctx,
        eventIds: c.eventIds,
        error: c.error,
      }),
    ),
  }
}
