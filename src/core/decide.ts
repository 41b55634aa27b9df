import { RecordingContext } from './context'
import { InvalidEventError, UnknownCommandError } from './errors'
import type { AnyEvent, CommandMap, RecordedCtx } from './types'

export interface Decision {
  events: AnyEvent[]
  error: unknown
  ctx: RecordedCtx | undefined
}

export function isEventLike(value: unknown): value is AnyEvent {
  return typeof value === 'object' && value !== null && typeof (value as AnyEvent).type === 'string'
}

/**
 * Runs one command through the handlers: the events it makes, or why it was rejected. Used live
 * by dispatch and again by hot reload with the recorded ctx values, so both behave the same.
 * Without handlers, the command passes through as its own event.
 */
export function decide<S>(
  handlers: CommandMap<S> | undefined,
  state: S,
  command: AnyEvent & { payload?: unknown },
  recorded: RecordedCtx | undefined,
  guard: <T>(run: () => T) => T,
): Decision {
  if (!handlers) return { events: [command], error: undefined, ctx: undefined }
  const handler = Object.hasOwn(handlers, command.type) ? handlers[command.type] : undefined
  if (typeof handler !== 'function') {
    const error = new UnknownCommandError(command.type, Object.keys(handlers))
    return { events: [], error, ctx: undefined }
  }
  const ctx = new RecordingContext(recorded)
  try {
    const output = guard(() => handler(state, command.payload, ctx))
    const events = output === undefined ? [] : Array.isArray(output) ? [...output] : [output]
    const bad = events.findIndex((e) => !isEventLike(e))
    if (bad >= 0) throw new InvalidEventError(command.type, events[bad])
    return { events, error: undefined, ctx: ctx.recorded() }
  } catch (error) {
    return { events: [], error, ctx: ctx.recorded() }
  }
}
