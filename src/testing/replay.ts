import type { CommandMap } from '@strata/state'
import type { PersonalData } from '../protocol/personal'
import { rerunCommands } from './commands'
import { type ErasureReport, erasuresIn } from './erasure'
import { usage } from './errors'
import { replayEvents } from './events'
import type { Session } from './format'
import { loadSession } from './load'
import {
  type CompatibilityReport,
  checkCompatibility,
  type EventSchemas,
  upcastEvents,
} from './upcast'
import { show } from './values'

/**
 * Today's reducer, as given to createStore: it mutates the draft, or returns the next state.
 * Typed loosely so `S` is inferred from the reducer's first parameter.
 */
export type ReplayReducer<S> = (draft: S, event: any) => unknown

export interface ReplayConfig<S = any> {
  /** Today's reducer. */
  reducer: ReplayReducer<S>
  /** Today's command handlers; needed for `mode: "commands"`. */
  commands?: CommandMap<S, any>
  /**
   * `"events"` (default) folds the recorded events with today's reducer. `"commands"` also
   * re-runs the recorded commands through today's handlers, with their recorded ctx values, and
   * compares the events they make with the recorded ones.
   */
  mode?: 'events' | 'commands'
  /** Today's event types: versions and upcasters for events recorded in older shapes. */
  events?: EventSchemas
  /** The `immer` option the store was made with: `false`, `true`, or (default) per event type. */
  immer?: boolean
  /**
   * `"every-event"` (default) compares the state after every event with its recorded hash, so
   * a difference that vanishes again before the next checkpoint is caught too. `"checkpoints"`
   * compares only the checkpoint states, and hashes events only in a stretch that differs, to
   * name its first diverging event: faster on long sessions, blind to such passing differences.
   */
  check?: 'every-event' | 'checkpoints'
  /** The server's `personal` declaration: erasures are reported with the events they touch. */
  personal?: PersonalData
  /** Subjects forgotten since the session was recorded (its audit events name the others). */
  forgotten?: readonly string[]
}

/** Where today's code and the recording part ways, and how. */
export interface Divergence {
  /** `state`: today's reducer makes another state. `event`: today's handlers make another event. */
  kind: 'state' | 'event'
  /** Index in `session.events` of the first event that differs (for an extra event, where it goes). */
  index: number
  type: string
  eventId: string | undefined
  /**
   * True when `index` is known exactly: by the per-event state hashes, or by comparing events.
   * False for a session exported without hashes: `index` is then the first event of the window.
   */
  exact: boolean
  /** The window: events `from` to `checkpoint - 1`, between two recorded checkpoints. */
  from: number
  checkpoint: number
  /** The recorded and the replayed value: states at `checkpoint`, or the two events. */
  expected: unknown
  actual: unknown
  /** `expected` against `actual`, one path per difference; empty when they agree again. */
  diff: string
  /** One sentence saying what differs. */
  summary: string
}

export interface CheckpointResult<S> {
  index: number
  /** Today's state after the first `index` events. */
  state: S
  /** Whether it equals the recorded one. */
  matches: boolean
}

export interface ReplayResult<S> {
  /** No divergence and a compatible session. */
  ok: boolean
  /** Today's final state (with `mode: "commands"`, from the re-run commands). */
  finalState: S
  checkpoints: CheckpointResult<S>[]
  divergences: Divergence[]
  compatibility: CompatibilityReport
  /** Events today's reducer threw on; the state was kept, as the store does. */
  errors: { index: number; type: string; error: unknown }[]
  /**
   * Erasures the session spans (erasure.ts): reported as such, never as divergences. A session
   * recorded before one replays as it was recorded.
   */
  erasures: ErasureReport[]
}

/**
 * Re-runs a recorded session with today's reducer (and handlers) and compares it with the
 * recording. Each stretch between two recorded checkpoints starts from the recorded state, so
 * every divergence is found on its own: `divergences` holds, per checkpoint whose state differs,
 * the first event after which it differs, found by the per-event state hashes.
 *
 * @example
 * const { divergences } = replaySession(loadSession(text), { reducer: todoReducer })
 */
// A typed session gives the state type; an untyped one (loaded from text) or text, the reducer.
export function replaySession<S>(
  session: Session<S>,
  config: ReplayConfig<NoInfer<S>>,
): ReplayResult<S>
export function replaySession<S = any>(
  session: Session<unknown> | string,
  config: ReplayConfig<S>,
): ReplayResult<S>
export function replaySession<S = any>(
  input: Session<any> | string,
  config: ReplayConfig<S>,
): ReplayResult<S> {
  const session = typeof input === 'string' ? loadSession(input) : input
  checkConfig(config)
  const compatibility = checkCompatibility(session, config)
  const events = upcastEvents(session, config.events)
  const result = replayEvents(session as Session<S>, events, config)
  if (config.mode === 'commands') {
    const rerun = rerunCommands(session as Session<S>, events, config)
    result.divergences.push(...rerun.divergences)
    result.divergences.sort((a, b) => a.index - b.index || (a.kind === 'event' ? -1 : 1))
    result.finalState = rerun.finalState
  }
  return {
    ...result,
    ok: compatibility.ok && result.divergences.length === 0,
    compatibility,
    erasures: erasuresIn(session, config.personal, config.forgotten),
  }
}

function checkConfig(config: ReplayConfig<any>): void {
  if (typeof config !== 'object' || config === null || typeof config.reducer !== 'function') {
    usage(
      `replaySession expects a config { reducer, commands?, mode?, events? } with today's reducer, received ${show(config)}.`,
    )
  }
  const { mode = 'events', commands, check = 'every-event' } = config
  if (check !== 'every-event' && check !== 'checkpoints') {
    usage(`replaySession: check must be "every-event" or "checkpoints", received ${show(check)}.`)
  }
  if (mode !== 'events' && mode !== 'commands') {
    usage(`replaySession: mode must be "events" or "commands", received ${show(mode)}.`)
  }
  if (mode === 'commands' && (typeof commands !== 'object' || commands === null)) {
    usage(
      `replaySession: mode "commands" re-runs the recorded commands, so it needs today's \`commands\` handlers; received ${show(commands)}.`,
    )
  }
}
