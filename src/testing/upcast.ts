import type { AnyEvent, CommandMap } from '@strata/state'
import { usage } from './errors'
import { recordedVersion, type Session } from './format'
import { show } from './values'

/** Turns an event recorded at one version into the next version's shape. */
export type Upcaster = (event: any) => AnyEvent

/** Today's shape of one event type. */
export interface EventSchema {
  /** The current version of the event's shape. Default 1. */
  version?: number
  /** `upcast[v]` turns an event of version `v` into version `v + 1`; replay chains them. */
  upcast?: Record<number, Upcaster>
}

/** Every event type today's code knows, by type, with its version and upcasters. */
export type EventSchemas = Record<string, EventSchema>

export interface CompatibilityIssue {
  kind: 'unknown-event' | 'unknown-command' | 'missing-upcaster' | 'newer-version'
  type: string
  /** How many events or commands of this type the session holds. */
  count: number
  recordedVersion?: number
  currentVersion?: number
  message: string
}

export interface CompatibilityReport {
  ok: boolean
  issues: CompatibilityIssue[]
}

export interface CompatibilityConfig {
  /** Today's event types. Without it, event types cannot be checked, only versions above 1. */
  events?: EventSchemas
  commands?: CommandMap<any, any>
  mode?: 'events' | 'commands'
}

/**
 * What in the session today's code cannot replay: event types it does not know (when `events`
 * is given), event types recorded at a version with no upcaster path to today's, or at a newer
 * version than today's, and, in `mode: "commands"`, command types without a handler.
 */
export function checkCompatibility(
  session: Session<unknown>,
  config: CompatibilityConfig = {},
): CompatibilityReport {
  const issues: CompatibilityIssue[] = []
  const { events, commands } = config
  for (const [type, count] of countTypes(session.events.map((e) => e.event.type))) {
    const schema = events && Object.hasOwn(events, type) ? events[type] : undefined
    if (events && !schema) {
      issues.push({
        kind: 'unknown-event',
        type,
        count,
        message: `Event type ${JSON.stringify(type)} (${count} in the session) is not in \`events\`. Add it with its version, or re-record the session.`,
      })
      continue
    }
    const from = recordedVersion(session, type)
    const to = currentVersion(type, schema)
    const versions = { recordedVersion: from, currentVersion: to }
    if (from > to) {
      issues.push({
        kind: 'newer-version',
        type,
        count,
        ...versions,
        message: `Event type ${JSON.stringify(type)} was recorded at version ${from}, newer than today's version ${to}: the session comes from newer code.`,
      })
      continue
    }
    const gap = missingStep(schema, from, to)
    if (gap !== undefined) {
      issues.push({
        kind: 'missing-upcaster',
        type,
        count,
        ...versions,
        message: `Event type ${JSON.stringify(type)} was recorded at version ${from} and is at version ${to} today, but has no upcaster from version ${gap}: add events[${JSON.stringify(type)}].upcast[${gap}].`,
      })
    }
  }
  if (config.mode === 'commands' && commands) {
    for (const [type, count] of countTypes(session.commands.map((c) => c.command.type))) {
      if (Object.hasOwn(commands, type)) continue
      issues.push({
        kind: 'unknown-command',
        type,
        count,
        message: `Command type ${JSON.stringify(type)} (${count} in the session) has no handler in \`commands\`.`,
      })
    }
  }
  return { ok: issues.length === 0, issues }
}

/**
 * The session's events in today's shapes: each one passed through its type's upcasters, from its
 * recorded version to the current one. An event with no upcaster path is left as recorded
 * (`checkCompatibility` reports it).
 */
export function upcastEvents(session: Session<unknown>, events?: EventSchemas): AnyEvent[] {
  return session.events.map(({ event }) => {
    const schema = events && Object.hasOwn(events, event.type) ? events[event.type] : undefined
    const from = recordedVersion(session, event.type)
    const to = currentVersion(event.type, schema)
    if (from >= to || missingStep(schema, from, to) !== undefined) return event
    let out = event
    for (let v = from; v < to; v++) {
      out = schema!.upcast![v]!(out)
      if (typeof out !== 'object' || out === null || typeof out.type !== 'string') {
        usage(
          `The upcaster events[${JSON.stringify(event.type)}].upcast[${v}] returned ${show(out)}. ` +
            'An upcaster returns the event in the next version: an object with a string `type`.',
        )
      }
    }
    return out
  })
}

/** The version today's code records an event type at. */
export function currentVersion(type: string, schema: EventSchema | undefined): number {
  const version = schema?.version ?? 1
  if (!Number.isInteger(version) || version < 1) {
    usage(
      `events[${JSON.stringify(type)}].version must be an integer, 1 or more, received ${show(version)}.`,
    )
  }
  return version
}

function missingStep(schema: EventSchema | undefined, from: number, to: number) {
  for (let v = from; v < to; v++) if (typeof schema?.upcast?.[v] !== 'function') return v
  return undefined
}

function countTypes(types: string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const type of types) counts.set(type, (counts.get(type) ?? 0) + 1)
  return counts
}
