/** Every message Strata throws or warns with starts with this, so it is easy to search for. */
const PREFIX = '[strata] '

export function fail(message: string): never {
  throw new TypeError(PREFIX + message)
}

/** `<subject> expects <what>, received <what it got>.`: the one shape of Strata's input errors. */
export function expected(subject: string, what: string, received: unknown): never {
  fail(`${subject} expects ${what}, received ${describe(received)}.`)
}

export const EVENT = 'an object with a string `type`'

/** A short, safe description of a received value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') {
    const keys = Object.keys(value as object)
    return keys.length ? `an object with keys ${keys.slice(0, 5).join(', ')}` : 'an empty object'
  }
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`
  if (value === undefined) return 'undefined'
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'symbol') return 'a symbol'
  return `${typeof value} ${String(value)}`
}

/** A command was dispatched whose type has no handler in `commands`. */
export class UnknownCommandError extends Error {
  override name = 'UnknownCommandError'
  constructor(
    readonly commandType: string,
    readonly known: readonly string[],
  ) {
    super(
      `${PREFIX}Unknown command type ${JSON.stringify(commandType)}. ` +
        `Known command types: ${known.map((k) => JSON.stringify(k)).join(', ') || 'none'}. ` +
        'Add a handler for it to the `commands` option of createStore.',
    )
  }
}

/** A command handler returned something that is not an event. */
export class InvalidEventError extends TypeError {
  override name = 'InvalidEventError'
  constructor(
    readonly commandType: string,
    readonly received: unknown,
  ) {
    super(
      `${PREFIX}The handler of command ${JSON.stringify(commandType)} returned ${describe(received)}. ` +
        'A handler returns an event object with a string `type`, an array of them, or nothing.',
    )
  }
}

/**
 * True unless a bundler or Node says production. Reading `process.env.NODE_ENV` whole lets
 * bundlers replace it; where nothing defines `process` (a browser without a bundler) the read
 * throws, and that is development.
 */
export function isDevelopment(): boolean {
  try {
    return process.env.NODE_ENV !== 'production'
  } catch {
    return true
  }
}

const warned = new Set<string>()

/** Warn once per message, in development only. */
export function warnOnce(message: string): void {
  if (!isDevelopment() || warned.has(message)) return
  warned.add(message)
  console.warn(PREFIX + message)
}

const reported = new Set<string>()

/**
 * A reducer threw on a new event: the event keeps the error and the state stays as it was, which
 * a developer would not notice without the devtools. Development says so on the console with the
 * error and its stack, once per event type and message (the same bug hit again says nothing new).
 */
export function reportReducerError(event: { type: string }, error: unknown): void {
  const key = `${event.type}\0${error instanceof Error ? error.message : String(error)}`
  if (reported.has(key) || !isDevelopment()) return
  if (reported.size < 1000) reported.add(key)
  console.error(
    `${PREFIX}The reducer threw on event ${JSON.stringify(event.type)}: the event keeps the error, the state is unchanged.`,
    error,
  )
}
