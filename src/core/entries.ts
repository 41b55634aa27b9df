import type { AnyEvent, RecordedCtx } from './types'

/** The store's own, writable view of an event entry (users see `EventEntry`, read-only). */
export interface MutableEventEntry {
  id: string
  type: string
  payload: unknown
  event: AnyEvent
  at: number
  commandId: string | undefined
  error: unknown
  skipped: boolean
  rejected: unknown
  origin: 'local' | 'remote'
  position: string | undefined
}

export interface MutableCommandEntry {
  id: string
  type: string
  payload: unknown
  command: AnyEvent
  at: number
  ctx: RecordedCtx | undefined
  eventIds: string[]
  error: unknown
}

// One literal shape per entry kind keeps property access monomorphic in the hot loops.
export function eventEntry(
  id: string,
  event: AnyEvent,
  at: number,
  commandId: string | undefined,
  origin: 'local' | 'remote' = 'local',
  position: string | undefined = undefined,
): MutableEventEntry {
  return {
    id,
    type: event.type,
    payload: (event as { payload?: unknown }).payload,
    event,
    at,
    commandId,
    error: undefined,
    skipped: false,
    rejected: undefined,
    origin,
    position,
  }
}

const NO_IDS: string[] = Object.freeze([]) as never

export function commandEntry(id: string, command: AnyEvent, at: number): MutableCommandEntry {
  return {
    id,
    type: command.type,
    payload: (command as { payload?: unknown }).payload,
    command,
    at,
    ctx: undefined,
    eventIds: NO_IDS,
    error: undefined,
  }
}
