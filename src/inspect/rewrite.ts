import type { EventEntry, LoadData, LoadedCommand, LoadedEvent, Store } from '@strata/state'
import { InspectError } from './errors'

type AnyStore = Store<any, any, any>

const loaded = (e: EventEntry): LoadedEvent => ({
  id: e.id,
  event: e.event as LoadedEvent['event'],
  at: e.at,
  commandId: e.commandId,
  skipped: e.skipped,
  rejected: e.rejected,
  origin: e.origin,
  position: e.position,
})

/** The commands, keeping only the events in `kept` (a command left with none is dropped). */
function commandsOf(store: AnyStore, kept: ReadonlySet<string>): LoadedCommand[] {
  const out: LoadedCommand[] = []
  for (const c of store.logs.commands) {
    const eventIds = c.eventIds.filter((id) => kept.has(id))
    if (c.eventIds.length > 0 && eventIds.length === 0) continue
    out.push({
      id: c.id,
      command: c.command as LoadedCommand['command'],
      at: c.at,
      ctx: c.ctx,
      eventIds,
      error: c.error,
    })
  }
  return out
}

/** The logs without their skipped events: Redux DevTools' SWEEP (instrument forgets them). */
export function sweptLogs(store: AnyStore): LoadData<unknown> {
  const events = store.logs.events.filter((e) => !e.skipped).map(loaded)
  return { events, commands: commandsOf(store, new Set(events.map((e) => e.id!))) }
}

/**
 * The logs with one event moved just before another (to the end without `beforeEventId`), its
 * states recomputed from there: Redux DevTools' REORDER_ACTION.
 */
export function reorderedLogs(
  store: AnyStore,
  eventId: string,
  beforeEventId: string | undefined,
): LoadData<unknown> {
  const events = store.logs.events.map(loaded)
  const from = events.findIndex((e) => e.id === eventId)
  if (from < 0) {
    throw new InspectError('bad-request', `reorder: no event with id ${JSON.stringify(eventId)}.`)
  }
  const [moved] = events.splice(from, 1)
  const to =
    beforeEventId === undefined ? events.length : events.findIndex((e) => e.id === beforeEventId)
  if (to < 0) {
    throw new InspectError(
      'bad-request',
      `reorder: no event with id ${JSON.stringify(beforeEventId)} to move before.`,
    )
  }
  events.splice(to, 0, moved!)
  return { events, commands: commandsOf(store, new Set(events.map((e) => e.id!))) }
}
