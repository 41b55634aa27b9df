import { uuid } from './ids'
import type { CommandContext, RecordedCtx } from './types'

type Kind = keyof RecordedCtx

/**
 * A `ctx` for one handler call. Live, it asks the clock and the random sources and records what
 * they said; given an earlier record, it answers the same values in the same order (and records
 * fresh ones past its end), so a re-run makes exactly the same events.
 */
export class RecordingContext implements CommandContext {
  private readonly record: RecordedCtx = {}
  private readonly used = { now: 0, random: 0, uuid: 0 }

  constructor(private readonly replay: RecordedCtx | undefined) {}

  now(): number {
    return this.take('now', Date.now) as number
  }

  random(): number {
    return this.take('random', Math.random) as number
  }

  uuid(): string {
    return this.take('uuid', uuid) as string
  }

  /** The values handed out, or undefined when the handler used none. */
  recorded(): RecordedCtx | undefined {
    const r = this.record
    return r.now || r.random || r.uuid ? r : undefined
  }

  private take(kind: Kind, fresh: () => number | string): number | string {
    const i = this.used[kind]++
    const previous = this.replay?.[kind] as (number | string)[] | undefined
    const value = previous && i < previous.length ? previous[i]! : fresh()
    const list = (this.record[kind] ?? []) as (number | string)[]
    if (list.length === 0) this.record[kind] = list as never
    list.push(value)
    return value
  }
}
