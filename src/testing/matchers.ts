import type { MatcherState } from 'vitest'
import { loadSession } from './load'
import { type ReplayConfig, replaySession } from './replay'
import { describeSession, formatReplay } from './report'

export interface ToReplayConfig<S = any> extends ReplayConfig<S> {
  /** How the failure message names the session. Default its `meta.app`. */
  name?: string
}

/**
 * Vitest matchers: `expect.extend(strataMatchers)`, or add `@strata/state/testing/vitest` to
 * `setupFiles`, which does it.
 *
 * `expect(session).toReplay({ reducer })` passes when today's code replays the session (a
 * session object, or a session file's text) to the recorded states; its failure message names
 * the first diverging event of each window and prints the state diff.
 */
export const strataMatchers = {
  toReplay(
    this: MatcherState,
    received: unknown,
    config: ToReplayConfig,
  ): { pass: boolean; message: () => string } {
    const session = loadSession(received)
    const result = replaySession(session, config)
    return {
      pass: result.ok,
      message: () =>
        result.ok
          ? `[strata] Expected ${describeSession(session, config.name)} not to replay with today's code, but it replays with no divergence.`
          : formatReplay(session, result, config.name),
    }
  },
}

interface StrataMatchers<R = unknown> {
  /** Replays the session with today's code; fails naming the first diverging event, with a diff. */
  toReplay(config: ToReplayConfig): R
}

declare module 'vitest' {
  interface Matchers<T = any> extends StrataMatchers<T> {}
}
