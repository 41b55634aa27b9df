import { readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { globSync } from 'tinyglobby'
import { describe, expect, it } from 'vitest'

const vitest = { describe, it }

import type { Session } from '../format'
import { loadSession } from '../load'
import { strataMatchers, type ToReplayConfig } from '../matchers'

// Importing this module (or listing it in `setupFiles`) adds `toReplay` to `expect`.
expect.extend(strataMatchers)

export interface ReplaySessionsOptions {
  /** The directory the pattern is relative to. Default `process.cwd()`, the project root. */
  cwd?: string
  /** The test functions to register with; Vitest's by default (any runner with the same API). */
  runner?: {
    describe: (name: string, body: () => void) => void
    it: (name: string, body: () => void) => void
  }
}

/**
 * One test per recorded session file matching `pattern`: each loads the file and expects it
 * `toReplay(config)`. A pattern that matches no file makes a failing test, not a silent pass.
 *
 * @example
 * replaySessions('test/sessions/*.session.json', { reducer: todoReducer, commands: todoCommands })
 */
export function replaySessions(
  pattern: string,
  config: ToReplayConfig | ((file: string, session: Session) => ToReplayConfig),
  options: ReplaySessionsOptions = {},
): void {
  const cwd = options.cwd ?? process.cwd()
  const { describe, it } = options.runner ?? vitest
  // Dot-files and node_modules are not sessions; an absolute pattern names absolute files.
  const files = globSync(pattern, {
    cwd,
    absolute: isAbsolute(pattern),
    expandDirectories: false,
    ignore: ['**/node_modules/**'],
  }).sort()
  describe(`recorded sessions ${pattern}`, () => {
    if (files.length === 0) {
      it('finds session files', () => {
        throw new Error(
          `[strata] replaySessions: no file matches ${JSON.stringify(pattern)} in ${cwd}. Check the pattern (relative to the project root, or pass { cwd }), or record a session there.`,
        )
      })
    }
    for (const file of files) {
      it(`replays ${file}`, () => {
        const session = loadSession(readFileSync(resolve(cwd, file), 'utf8'))
        const resolved = typeof config === 'function' ? config(file, session) : config
        expect(session).toReplay({ name: file, ...resolved })
      })
    }
  })
}

export { strataMatchers }
