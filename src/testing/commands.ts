import {
  type AnyEvent,
  type CommandContext,
  type CommandMap,
  createStore,
  type RecordedCtx,
  type Reducer,
} from '@strata/state'
import { type Change, diffValues, formatChanges } from './diff'
import { messageOf } from './errors'
import type { Session, SessionCommand } from './format'
import type { Divergence, ReplayConfig } from './replay'

/** The command that feeds events from elsewhere (remote, or whose command was not kept) through. */
const PASS_THROUGH = '@@strata/testing/pass-through'

interface Cursor {
  ctx: RecordedCtx | undefined
  /** Set when a handler asked `ctx` for more values than were recorded. */
  exhausted: boolean
}

/**
 * Re-runs the recorded commands, in their recorded order among the other events, through today's
 * handlers with the recorded ctx values, in a store with today's reducer; compares the events
 * each command makes with the recorded (upcast) ones, by position. Reports the first differing
 * event of each window between checkpoints; once one differs, later ones may differ as a result.
 */
export function rerunCommands<S>(
  session: Session<S>,
  events: AnyEvent[],
  config: ReplayConfig<S>,
): { divergences: Divergence[]; finalState: S } {
  const cursor: Cursor = { ctx: undefined, exhausted: false }
  const store = createStore<S, AnyEvent, CommandMap<S>>({
    initialState: session.initialState,
    reducer: config.reducer as Reducer<S>,
    commands: replaying(config.commands!, cursor),
    ...(config.immer === undefined ? {} : { immer: config.immer }),
  })
  const indexOf = new Map(session.events.map((e, i) => [e.id, i]))
  const found = new Map<number, Divergence>()
  let next = 0 // the recorded event index the next event goes to
  const report = (d: Omit<Divergence, 'from' | 'checkpoint'>) => {
    const k = session.checkpoints.findIndex((c) => c.index > d.index)
    const cp = k < 0 ? session.checkpoints.length - 1 : k
    const checkpoint = session.checkpoints[cp]!.index
    if (found.has(checkpoint)) return
    found.set(checkpoint, {
      ...d,
      from: cp > 0 ? session.checkpoints[cp - 1]!.index : 0,
      checkpoint,
    })
  }

  const run = (command: SessionCommand) => {
    cursor.ctx = command.ctx
    cursor.exhausted = false
    const result = store.dispatch(command.command)
    const recorded = command.eventIds.map((id) => indexOf.get(id)).filter((i) => i !== undefined)
    const made = result.events
    for (let j = 0; j < Math.max(recorded.length, made.length); j++) {
      const ri = recorded[j]
      const now = made[j]
      if (ri !== undefined && session.events[ri]!.skipped && now) store.history.toggle(now.id)
      if (ri !== undefined) next = ri + 1
      const expected = ri === undefined ? undefined : events[ri]
      const changes: Change[] =
        expected === undefined
          ? [{ path: '', kind: 'added', actual: now!.event }]
          : now === undefined
            ? [{ path: '', kind: 'removed', expected }]
            : diffValues(expected, now.event)
      if (changes.length === 0) continue
      const index = ri ?? next
      report({
        kind: 'event',
        index,
        type: expected?.type ?? now!.event.type,
        eventId: ri === undefined ? undefined : session.events[ri]!.id,
        exact: true,
        expected,
        actual: now?.event,
        diff: formatChanges(changes, { root: 'event' }),
        summary: summarize(command, expected, now?.event, index, result.error, cursor.exhausted),
      })
    }
  }

  const commandIndex = new Map(session.commands.map((c, i) => [c.id, i]))
  let ran = 0
  const runUpTo = (last: number) => {
    for (; ran <= last; ran++) run(session.commands[ran]!)
  }
  session.events.forEach((entry, i) => {
    const ci = entry.commandId === undefined ? undefined : commandIndex.get(entry.commandId)
    if (ci !== undefined) {
      if (ci >= ran) runUpTo(ci)
      return
    }
    const [made] = store.dispatch({ type: PASS_THROUGH, payload: events[i] } as AnyEvent).events
    if (entry.skipped && made) store.history.toggle(made.id)
    next = i + 1
  })
  runUpTo(session.commands.length - 1)
  return { divergences: [...found.values()], finalState: store.getState() }
}

/** Today's handlers, each given a ctx that answers the recorded values of the running command. */
function replaying<S>(handlers: CommandMap<S>, cursor: Cursor): CommandMap<S> {
  const out: CommandMap<S> = { [PASS_THROUGH]: (_state, event: AnyEvent) => event }
  for (const [type, handler] of Object.entries(handlers)) {
    if (typeof handler !== 'function') continue
    out[type] = (state, payload, live) => handler(state, payload, recordedCtx(cursor, live))
  }
  return out
}

/** Answers the recorded values in order; past their end, fresh ones (and notes it). */
function recordedCtx(cursor: Cursor, live: CommandContext): CommandContext {
  const used = { now: 0, random: 0, uuid: 0 }
  const take = <K extends keyof RecordedCtx>(kind: K) => {
    const list = cursor.ctx?.[kind]
    const i = used[kind]++
    if (list && i < list.length) return list[i]!
    cursor.exhausted = true
    return live[kind]()
  }
  return {
    now: () => take('now') as number,
    random: () => take('random') as number,
    uuid: () => take('uuid') as string,
  }
}

function summarize(
  command: SessionCommand,
  expected: AnyEvent | undefined,
  actual: AnyEvent | undefined,
  index: number,
  error: unknown,
  exhausted: boolean,
): string {
  const name = `Command ${JSON.stringify(command.command.type)} (id ${command.id})`
  let text =
    actual === undefined
      ? `${name} no longer makes event ${index} (${JSON.stringify(expected!.type)})`
      : expected === undefined
        ? `${name} now makes an extra event ${JSON.stringify(actual.type)} at index ${index}`
        : `${name} makes event ${index} (${JSON.stringify(expected.type)}) differently`
  if (error !== undefined && command.error === undefined) {
    text += `; today's handler rejects it: ${messageOf(error)}`
  } else if (error === undefined && command.error !== undefined) {
    text += `; it was rejected when recorded (${command.error}) and is accepted today`
  }
  if (exhausted) text += '; its handler asked ctx for more values than were recorded'
  return `${text}.`
}
