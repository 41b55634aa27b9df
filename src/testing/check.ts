import { messageOf, SessionFormatError } from './errors'
import { SESSION_FORMAT, SESSION_VERSION, type Session } from './format'
import { child, kindOf, show } from './values'

type Obj = Record<string, unknown>

/**
 * Checks a parsed session (its values revived) field by field, throwing a `SessionFormatError`
 * naming the first wrong one. Free of the serializer, so the devtools protocol can check plain
 * JSON sessions without loading superjson.
 */
export function checkSession<S = unknown>(raw: unknown): Session<S> {
  const top = checkSessionHeader(raw)
  checkBody(top)
  return top as unknown as Session<S>
}

/** Checks that `raw` is a session object of this format and version; returns it. */
export function checkSessionHeader(raw: unknown): Obj {
  const top = object(raw, '', `a session object { format: "${SESSION_FORMAT}", version, ... }`)
  checkHeader(top)
  return top
}

/** JSON text to a value, with a clear error for text that is not JSON (a truncated file). */
export function parseSessionText(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    const hint =
      text.trim() === '' ? 'an empty text' : `text that is not valid JSON (${messageOf(error)})`
    throw new SessionFormatError(
      '',
      'the JSON text of a session file',
      hint,
      'Is the file truncated or not a session? Re-export it with serializeSession(exportSession(store)).',
      { cause: error },
    )
  }
}

function checkHeader(top: Obj): void {
  if (top.format !== SESSION_FORMAT) {
    throw new SessionFormatError('format', JSON.stringify(SESSION_FORMAT), received(top.format))
  }
  const { version } = top
  if (version === SESSION_VERSION) return
  const newer = typeof version === 'number' && version > SESSION_VERSION
  throw new SessionFormatError(
    'version',
    `version ${SESSION_VERSION}`,
    received(version),
    newer
      ? `The file was written by a newer @strata/state, which writes version ${version}; upgrade @strata/state to replay it.`
      : `This @strata/state reads "${SESSION_FORMAT}" files of version ${SESSION_VERSION} only.`,
  )
}

function checkBody(session: Obj): void {
  const meta = object(session.meta, 'meta', 'an object { recordedAt, app?, codeVersion? }')
  string(meta.recordedAt, 'meta.recordedAt')
  for (const k of ['app', 'codeVersion', 'description']) optional(meta, k, 'meta', string)
  optional(meta, 'range', 'meta', checkRange)
  if (!Object.hasOwn(session, 'initialState')) {
    throw new SessionFormatError('initialState', 'the state before the first event', 'nothing')
  }
  const versions = object(
    session.eventVersions,
    'eventVersions',
    'an object { [eventType]: version }',
  )
  for (const [type, v] of Object.entries(versions)) positive(v, child('eventVersions', type))
  const events = array(session.events, 'events')
  each(events, 'events', checkEvent)
  const range = meta.range as { from: number; to: number } | undefined
  if (range && range.to - range.from !== events.length) {
    throw new SessionFormatError(
      'meta.range',
      `a range of the ${events.length} events the session holds`,
      `${range.to - range.from} (from ${range.from} to ${range.to})`,
    )
  }
  each(array(session.commands, 'commands'), 'commands', checkCommand)
  const checkpoints = array(session.checkpoints, 'checkpoints')
  let last = -1
  checkpoints.forEach((c, i) => {
    const path = child('checkpoints', i)
    const cp = object(c, path, 'an object { index, state }')
    const index = cp.index
    if (
      !Number.isInteger(index) ||
      (index as number) <= last ||
      (index as number) > events.length
    ) {
      const range = `an integer from ${last + 1} to ${events.length} (the number of events)`
      throw new SessionFormatError(`${path}.index`, range, received(index))
    }
    if (!Object.hasOwn(cp, 'state')) {
      throw new SessionFormatError(`${path}.state`, `the state after ${index} events`, 'nothing')
    }
    last = index as number
  })
  if (last !== events.length) {
    throw new SessionFormatError(
      'checkpoints',
      `a last checkpoint at index ${events.length} (the final state)`,
      last < 0 ? 'no checkpoint' : `a last checkpoint at index ${last}`,
    )
  }
}

function checkEvent(value: unknown, path: string): void {
  const e = object(value, path, 'an event entry { id, event, at }')
  string(e.id, `${path}.id`)
  eventLike(e.event, `${path}.event`)
  number(e.at, `${path}.at`)
  for (const k of ['commandId', 'position', 'error', 'rejected', 'hash'])
    optional(e, k, path, string)
  optional(e, 'skipped', path, boolean)
  if (e.origin !== undefined && e.origin !== 'remote' && e.origin !== 'local') {
    throw new SessionFormatError(
      `${path}.origin`,
      '"remote", "local" or nothing',
      received(e.origin),
    )
  }
}

function checkCommand(value: unknown, path: string): void {
  const c = object(value, path, 'a command entry { id, command, at, eventIds }')
  string(c.id, `${path}.id`)
  eventLike(c.command, `${path}.command`)
  number(c.at, `${path}.at`)
  each(array(c.eventIds, `${path}.eventIds`), `${path}.eventIds`, string)
  optional(c, 'error', path, string)
  if (c.ctx === undefined) return
  const ctx = object(c.ctx, `${path}.ctx`, 'an object { now?, random?, uuid? } of recorded values')
  for (const [k, check] of [
    ['now', number],
    ['random', number],
    ['uuid', string],
  ] as const) {
    if (ctx[k] === undefined) continue
    each(array(ctx[k], `${path}.ctx.${k}`), `${path}.ctx.${k}`, check)
  }
}

function eventLike(value: unknown, path: string): void {
  const e = object(value, path, 'an object with a string `type`')
  string(e.type, `${path}.type`)
}

function received(value: unknown): string {
  const kind = kindOf(value)
  if (kind === 'array') return 'an array'
  if (kind === 'object') return 'an object'
  if (kind === 'undefined') return 'nothing'
  return `${kind} ${show(value, 40)}`
}

function object(value: unknown, path: string, expected: string): Obj {
  if (kindOf(value) !== 'object') throw new SessionFormatError(path, expected, received(value))
  return value as Obj
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new SessionFormatError(path, 'an array', received(value))
  return value
}

function each(items: unknown[], path: string, check: (v: unknown, p: string) => void): void {
  for (let i = 0; i < items.length; i++) check(items[i], child(path, i))
}

function string(value: unknown, path: string): void {
  if (typeof value !== 'string') throw new SessionFormatError(path, 'a string', received(value))
}

function number(value: unknown, path: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SessionFormatError(path, 'a finite number', received(value))
  }
}

function boolean(value: unknown, path: string): void {
  if (typeof value !== 'boolean') throw new SessionFormatError(path, 'a boolean', received(value))
}

function checkRange(value: unknown, path: string): void {
  const range = object(value, path, 'an object { from, to } of history indexes')
  const { from, to } = range
  if (!Number.isInteger(from) || (from as number) < 0) {
    throw new SessionFormatError(child(path, 'from'), 'an integer, 0 or more', received(from))
  }
  if (!Number.isInteger(to) || (to as number) < (from as number)) {
    throw new SessionFormatError(child(path, 'to'), `an integer, ${from} or more`, received(to))
  }
}

function positive(value: unknown, path: string): void {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new SessionFormatError(path, 'an integer version, 1 or more', received(value))
  }
}

function optional(obj: Obj, key: string, path: string, check: (v: unknown, p: string) => void) {
  if (obj[key] !== undefined) check(obj[key], child(path, key))
}
