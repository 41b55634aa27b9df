import { SESSION_FORMAT, SESSION_VERSION } from './format'

const PREFIX = '[strata] '

/**
 * A session file that cannot be loaded: `path` is where in the file it is wrong (`events[3].at`,
 * or `''` for the whole file), `expected` what belongs there, `received` what was found.
 */
export class SessionFormatError extends Error {
  override name = 'SessionFormatError'
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly received: string,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${PREFIX}Cannot load the session: at ${path || 'the top level'}, expected ${expected}, ` +
        `received ${received}. ${hint ?? HINT}`,
      options,
    )
  }
}

const HINT =
  `This package reads "${SESSION_FORMAT}" files of version ${SESSION_VERSION}, as written by ` +
  'serializeSession(exportSession(store)). Re-export the session, or fix the file by hand.'

/** A wrong argument to a testing function: a TypeError that says what to pass instead. */
export function usage(message: string): never {
  throw new TypeError(PREFIX + message)
}

/** The message of something thrown, for the session file (errors do not survive JSON). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
